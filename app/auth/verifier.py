from app.auth import TokenVerifier
from app.settings import Settings


def build_verifier(settings: Settings) -> TokenVerifier:
    if settings.auth == "firebase":
        from app.auth.firebase import FirebaseVerifier

        return FirebaseVerifier(settings.firebase_project_id)
    from app.auth.local import LocalVerifier

    return LocalVerifier(settings.secret_key, settings.firebase_project_id)
