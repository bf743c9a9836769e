"""The dashboard's tabs beyond the first screen (retention, patient mix, care, complaints),
each read on the worker when first shown for a period. The page is ``ui/pages/dashboard_page``.
"""
