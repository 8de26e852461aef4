"""The shared pieces of the browser pages: form fields (``forms``), the list and transition views (``views``), the
scope-checked download of a stored file (``files``)."""
