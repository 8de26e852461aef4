"""The shared pieces of the browser pages: form fields (``forms``), the list and transition views (``views``)."""
