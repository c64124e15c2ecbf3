"""gstims: India's GST Invoice Management System, GSTR-2B and GSTR-3B Table 4 as tested code."""

__version__ = "0.1.0"
