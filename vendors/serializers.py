"""API shapes for vendors."""

from rest_framework import serializers

from .models import Certification, Vendor


class CertificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Certification
        fields = ["id", "kind", "name", "number", "issued_on", "expires_on"]
        read_only_fields = fields


class VendorSerializer(serializers.ModelSerializer):
    certifications = CertificationSerializer(many=True, read_only=True)

    class Meta:
        model = Vendor
        fields = [
            "id",
            "name",
            "short_name",
            "credit_code",
            "legal_representative",
            "registered_address",
            "status",
            "phone",
            "email",
            "website",
            "notes",
            "certifications",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "certifications", "created_at", "updated_at"]
