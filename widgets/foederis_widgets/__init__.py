"""foederis_widgets: the Jupyter front end of foederis (ipywidgets)."""
