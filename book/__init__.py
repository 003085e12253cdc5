"""The course as a browsable book (issue 19): the notebooks a run executed, with their outputs, built into HTML.

``capture`` is a pytest plugin that saves what nbval executes; ``build`` turns the saved notebooks into the book
with Sphinx and MyST-NB (the engine of Jupyter Book 1); ``serve`` shows it on 127.0.0.1.
"""
