"""Google's error answers, as the Sheets v4, Drive v3 and OAuth2 endpoints word them.

Nothing here knows about HTTP or state: every other emulator module may import it.
"""
from __future__ import annotations

PROJECT_NUMBER = "000000000000"
CELL_LIMIT = 10_000_000


class ApiError(Exception):
    """An error answer in Google's shape: {"error": {"code", "message", "status"}}.

    ``errors`` is the legacy list Drive v3 still sends ({"domain", "reason", "message"});
    ``oauth`` replaces the whole body for the token endpoint's flat answers.
    """

    def __init__(self, code: int, message: str, status: str, details: list | None = None,
                 errors: list | None = None):
        super().__init__(message)
        self.code, self.message, self.status, self.details, self.errors = code, message, status, details, errors
        self.oauth: dict | None = None

    def body(self) -> dict:
        err: dict = {"code": self.code, "message": self.message}
        if self.errors:
            err["errors"] = self.errors
        if self.status:
            err["status"] = self.status
        if self.details:
            err["details"] = self.details
        return {"error": err}


def not_found() -> ApiError:
    return ApiError(404, "Requested entity was not found.", "NOT_FOUND")


def denied() -> ApiError:
    return ApiError(403, "The caller does not have permission", "PERMISSION_DENIED")


def invalid(message: str) -> ApiError:
    return ApiError(400, message, "INVALID_ARGUMENT")


def oauth_error(error: str, description: str, code: int = 400) -> ApiError:
    e = ApiError(code, description, error)
    e.oauth = {"error": error, "error_description": description}
    return e


def unauthenticated() -> ApiError:
    return ApiError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                    "login cookie or other valid authentication credential. See "
                    "https://developers.google.com/identity/sign-in/web/devconsole-project.", "UNAUTHENTICATED")


def protected_cell() -> ApiError:
    """A write into a protected range by someone not among its editors (whole request refused)."""
    return invalid("You are trying to edit a protected cell or object. Please contact the spreadsheet owner to "
                   "remove protection if you need to edit.")


def cell_limit(prefix: str = "") -> ApiError:
    return invalid(f"{prefix}This action would increase the number of cells in the workbook above the limit of "
                   f"{CELL_LIMIT} cells.")


def insufficient_scopes(service: str, method: str) -> ApiError:
    info = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
             "domain": "googleapis.com", "metadata": {"method": method, "service": service}}]
    errors = None
    if service == "drive.googleapis.com":  # Drive v3 still sends its legacy errors[] too
        errors = [{"message": "Insufficient Permission", "domain": "global", "reason": "insufficientPermissions"}]
    return ApiError(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED", info, errors)


def sheets_quota(metric: str, limit_name: str, limit_id: str, limit_value: int) -> ApiError:
    """Sheets' 429 for a per-minute quota ('Read requests' / 'Write requests')."""
    return ApiError(
        429, f"Quota exceeded for quota metric '{metric}' and limit '{limit_name}' of service "
        f"'sheets.googleapis.com' for consumer 'project_number:{PROJECT_NUMBER}'.", "RESOURCE_EXHAUSTED",
        [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
          "domain": "googleapis.com",
          "metadata": {"quota_location": "global", "quota_metric": f"sheets.googleapis.com/{metric.lower().replace(' ', '_')}",
                       "quota_limit": limit_id, "quota_limit_value": str(limit_value),
                       "consumer": f"projects/{PROJECT_NUMBER}", "service": "sheets.googleapis.com",
                       "quota_unit": "1/min/{project}/{user}" if "user" in limit_name else "1/min/{project}"}},
         {"@type": "type.googleapis.com/google.rpc.Help",
          "links": [{"description": "Request a higher quota limit.",
                     "url": "https://cloud.google.com/docs/quotas/help/request_increase"}]}])


def drive_rate_limited() -> ApiError:
    """Drive v3's 403 userRateLimitExceeded (its legacy error shape, no status)."""
    msg = ("User Rate Limit Exceeded. Rate of requests for user exceed configured project quota. You may consider "
           "re-evaluating expected per-user traffic to the API and adjust project quota limits accordingly. You may "
           "monitor aggregate quota usage and adjust limits in the API Console: "
           f"https://console.developers.google.com/apis/api/drive.googleapis.com/quotas?project={PROJECT_NUMBER}")
    return ApiError(403, msg, "", errors=[{
        "message": msg, "domain": "usageLimits", "reason": "userRateLimitExceeded",
        "extendedHelp": f"https://console.developers.google.com/apis/api/drive.googleapis.com/quotas?project={PROJECT_NUMBER}"}])


def drive_not_found(fid: str) -> ApiError:
    msg = f"File not found: {fid}."
    return ApiError(404, msg, "", errors=[{"message": msg, "domain": "global", "reason": "notFound",
                                           "location": "fileId", "locationType": "parameter"}])


def drive_forbidden(message: str = "The user does not have sufficient permissions for this file.") -> ApiError:
    return ApiError(403, message, "", errors=[{"message": message, "domain": "global",
                                                 "reason": "insufficientFilePermissions"}])


def drive_invalid(message: str, location: str | None = None) -> ApiError:
    err = {"message": message, "domain": "global", "reason": "invalid" if location else "badRequest"}
    if location:
        err.update({"location": location, "locationType": "parameter"})
    return ApiError(400, message, "", errors=[err])
