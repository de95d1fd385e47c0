"""FHIR R4 in and out (issue 10 items 6, 7 and 9): the export, the import and the
scans an imported Bundle holds. The mapping's codes are in fhir_codes."""

from tracker.interop.fhir_export import export_bundle

__all__ = ["export_bundle"]
