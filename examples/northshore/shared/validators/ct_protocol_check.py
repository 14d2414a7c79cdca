"""Flag CT studies that arrive with fewer series than the protocol requires."""


def validate(study, settings):
    if study.get("modality") != "CT":
        return {"valid": True}
    series = len(study.get("series") or [])
    required = int(settings.get("required_series", 1))
    return {"valid": series >= required, "message": f"{series} of {required} series"}
