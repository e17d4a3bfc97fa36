"""How the API shows a citation of a recommendation (``guidelines.citations.Citation``)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class CitationSerializer(serializers.Serializer[Any]):
    ref = serializers.CharField()
    grade = serializers.CharField(allow_null=True)
    grade_label = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField()
    exists = serializers.BooleanField()
