"""Rendering the reports: Markdown, self-contained HTML, charts and SVG."""
