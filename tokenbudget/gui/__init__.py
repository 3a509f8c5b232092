"""The thin Qt layer over ``tokenbudget.core``."""
