"""Sorting of index segments, written out (no ``np.sort``): the joiners of a round, a
question's bound guarantors. See :func:`_introsort` for why."""

from __future__ import annotations

import numpy as np

from .._numba import jit, jit_inner

__all__ = ["sort_segment", "sort_round"]


@jit_inner
def _sift_down(a, lo, root, size):
    """Heap sift of a[lo:lo+size] (max-heap rooted at ``root``, offsets from ``lo``)."""
    while True:
        child = 2 * root + 1
        if child >= size:
            return
        if child + 1 < size and a[lo + child] < a[lo + child + 1]:
            child += 1
        if a[lo + root] >= a[lo + child]:
            return
        t = a[lo + root]
        a[lo + root] = a[lo + child]
        a[lo + child] = t
        root = child


@jit_inner
def _heap_sort(a, lo, hi):
    """Sort a[lo:hi] in place, O(m log m) whatever the order (the quicksort's fallback)."""
    size = hi - lo
    for root in range(size // 2 - 1, -1, -1):
        _sift_down(a, lo, root, size)
    for end in range(size - 1, 0, -1):
        t = a[lo]
        a[lo] = a[lo + end]
        a[lo + end] = t
        _sift_down(a, lo, np.int64(0), end)


@jit_inner
def _insertion_sort(order, a, b):
    """Sort order[a:b] in place by insertion (the introsort's base case)."""
    for p in range(a + 1, b):
        v = order[p]
        q = p - 1
        while q >= a and order[q] > v:
            order[q + 1] = order[q]
            q -= 1
        order[q + 1] = v


@jit(inline="always")
def sort_segment(order, lo, hi):
    """Sort order[lo:hi] in place (ascending): :func:`_introsort`, inlined into the
    caller with int64 bounds (a literal 0 would make numba compile one more variant)."""
    _introsort(order, np.int64(lo), np.int64(hi))


@jit_inner
def _introsort(order, lo, hi):
    """Sort order[lo:hi] in place (ascending).

    Written out rather than ``np.sort``: numba's sort and the slice assignment it needs
    took about 4 s of every cold compile of a kernel that sorts (issue 12), this about
    0.3 s. An introsort: quicksort on the median of three, insertion sort below 16
    elements, heap sort past a depth of 2 log2(m). Sorting is unique, so the result is
    the same as any other sort's. A segment of at most 16 elements (most rounds) is
    sorted by insertion with no allocation; a longer one allocates its stack once (384
    int64) for the whole sort, which costs less than the sort itself."""
    if hi - lo <= 16:  # a round of a small war: no stack to allocate
        _insertion_sort(order, lo, hi)
        return
    stack = np.empty(3 * 128, dtype=np.int64)  # (lo, hi, depth budget); small side first
    budget = np.int64(2)
    m = hi - lo
    while m > 1:
        budget += 2
        m >>= 1
    top = 0
    stack[0] = lo
    stack[1] = hi
    stack[2] = budget
    top = 1
    while top > 0:
        top -= 1
        a = stack[3 * top]
        b = stack[3 * top + 1]
        depth = stack[3 * top + 2]
        while b - a > 16:
            if depth == 0:
                _heap_sort(order, a, b)
                a = b
                break
            depth -= 1
            mid = a + (b - a) // 2
            x, y, z = order[a], order[mid], order[b - 1]
            if x > y:
                x, y = y, x
            if y > z:
                y = z
                if x > y:
                    y = x
            pivot = y
            i = a
            j = b - 1
            while i <= j:
                while order[i] < pivot:
                    i += 1
                while order[j] > pivot:
                    j -= 1
                if i <= j:
                    t = order[i]
                    order[i] = order[j]
                    order[j] = t
                    i += 1
                    j -= 1
            # [a, j] <= pivot <= [i, b): push the larger part, go on with the smaller
            if j + 1 - a > b - i:
                stack[3 * top] = a
                stack[3 * top + 1] = j + 1
                stack[3 * top + 2] = depth
                top += 1
                a = i
            else:
                stack[3 * top] = i
                stack[3 * top + 1] = b
                stack[3 * top + 2] = depth
                top += 1
                b = j + 1
        _insertion_sort(order, a, b)


@jit_inner
def sort_round(order, lo, hi, rnd, r):
    """Sort order[lo:hi], the distinct states with rnd == r (the joiners of round r).
    A large round spread over few indices is rebuilt by scanning rnd over its index span
    (linear, branch-free), a small or sparse one sorted: both give the same ascending
    list."""
    m = hi - lo
    if m < 256:
        sort_segment(order, lo, hi)
        return
    mn = order[lo]
    mx = mn
    for p in range(lo + 1, hi):
        v = order[p]
        mn = min(mn, v)
        mx = max(mx, v)
    if mx - mn + 1 > 32 * m:
        sort_segment(order, lo, hi)
        return
    k = lo
    for i in range(mn, mx + 1):
        order[k] = i
        k += 1 if rnd[i] == r else 0
    # writes stay in order[lo:hi]: before the last joiner (mx) is placed, fewer than m
    # joiners are, so k < hi at every write
