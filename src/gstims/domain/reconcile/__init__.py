"""Reconciliation of the purchase register against IMS and GSTR-2B (spec/reconciliation.md).

`numbers` normalises and compares document numbers (R-REC-6, 7); `model` holds the documents,
tolerances and results (R-REC-8, 15, 17); `matcher.reconcile` runs the passes (R-REC-9 … 14,
21); `suggest` turns a result into an IMS action the rule table allows (R-REC-15, 16).
"""
