"""The expert report: model, HTML rendering, PDF/A, charts."""
