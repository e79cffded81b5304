"""PDF rendering: typed values in, bytes out, no database (xhtml2pdf)."""

from app.pdf.case_summary import render_case_summary

__all__ = ["render_case_summary"]
