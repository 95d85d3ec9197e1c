"""Operations on one unit's workbook, whatever the backend: init, recalc, validate,
explain. Each opens a Book, hands its grids to the sheet's kind and writes back only
what the kind says must change."""
