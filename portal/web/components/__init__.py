"""Shared building blocks: the page shell, form fields with labels and errors."""
