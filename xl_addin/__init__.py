"""sheets-sync for Excel (xlwings): the Recalculate ribbon button, Validate, UDFs.

The ribbon add-in built by ``sheets-sync excel-addin build`` is named xl_addin.xlam;
its button runs ``import xl_addin; xl_addin.main()``.
"""
from xl_addin.macros import recalculate, validate


def main(book=None):
    """What the ribbon's Recalculate button runs."""
    return recalculate(book)


__all__ = ["main", "recalculate", "validate"]
