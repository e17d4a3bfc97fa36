"""Nothing from scoring is in the admin, on purpose.

Scores, doses and monitoring choices are patient records. As in ``patients/admin.py``, patient
records stay out of the admin: administrators do not read them, and every change goes through
``scoring.services``, which keeps the original of a correction and writes the access log. The
ward pages and the API (``/api/v1/episodes/{id}/assessments/``) are where they are read.
"""
