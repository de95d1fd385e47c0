"""FHIR R4 in and out (issue 10 items 6, 7 and 9): the export, the import and the
scans an imported Bundle holds. The mapping's codes are in fhir_codes."""

from tracker.interop.fhir_export import export_bundle
from tracker.interop.fhir_import import ImportResult, import_bundle
from tracker.interop.fhir_read import Problem, scans_from_bundle

__all__ = ["ImportResult", "Problem", "export_bundle", "import_bundle", "scans_from_bundle"]
