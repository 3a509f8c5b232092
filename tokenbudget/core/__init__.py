"""The Qt-free core of tokenbudget: counting, pricing, costing and storage.

Nothing in this package may import PySide6 or ``tokenbudget.gui``.
"""
