"""The GSTN-compatible HTTP API and the sandbox API."""
