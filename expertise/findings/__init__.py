"""The expert's own findings (pentest, code review, interview, document, SARIF import).

Declared in ``case.toml`` (``[[finding]]``, ``[[findings.import]]``, ``[[pentest]]``) and shown
in « Constats détaillés » beside the automated ones; see docs/findings.md."""
