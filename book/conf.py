"""Sphinx's settings for the book (issue 19); ``book/build.py`` runs Sphinx with them on the assembled source."""

project = "Kafka by doing"
author = "the course's authors"
extensions = ["myst_nb"]
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# The notebooks arrive executed (by the suite's lanes or `make book`): never run them again here.
nb_execution_mode = "off"
nb_merge_streams = True
# ipywidgets' HTML manager, served from the book itself (book/build.py fetches it), not from a CDN.
nb_ipywidgets_js = {"widgets/embed.js": {}}
# Links in the README and the notebooks to files outside the book (labs' student copies, docker/) stay as text.
suppress_warnings = ["myst.xref_missing", "myst.header", "misc.highlighting_failure"]

html_theme = "sphinx_book_theme"
html_title = "Kafka by doing"
html_js_files = ["plotly.min.js"]
html_theme_options = {"show_toc_level": 1, "navigation_with_keys": False}
