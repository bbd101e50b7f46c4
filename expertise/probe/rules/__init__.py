"""The probe rules, one module per family (TLS, HTTP, SSH, exposed ports).

`expertise/rules/probe.py` gathers them into the domain's ``RULES`` tuple.
"""
