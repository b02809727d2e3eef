"""API shapes for vendors."""

from rest_framework import serializers

from core.api import CodeField

from .models import Certification, Vendor


class CertificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Certification
        fields = ["id", "kind", "name", "number", "issued_on", "expires_on"]
        read_only_fields = fields


class VendorSerializer(serializers.ModelSerializer):
    certifications = CertificationSerializer(many=True, read_only=True)
    # Normalised like the vendor form's; the service checks the code and whether another vendor uses it.
    credit_code = CodeField(max_length=18, label=Vendor._meta.get_field("credit_code").verbose_name)

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
