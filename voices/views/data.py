"""SEC-13: a citizen's own data, for "my messages" and its export.

Decrypting one's own contact data for oneself is access under PIPL art. 45, not a view by
staff, so it is not written to the personal-data view log (SEC-8 logs others' views).
"""

from __future__ import annotations

from typing import Any

from .. import crypto, selectors


def _plain(token: str) -> str:
    try:
        return crypto.decrypt(token)
    except crypto.DecryptionFailed:
        return ""


def own_data(user) -> list[dict[str, Any]]:
    """Every message `user` sent, with all fields held about them; its status is where it
    stands as "my messages" and the tracking page say (`selectors.with_states`)."""
    rows = selectors.with_states(user, list(
        selectors.messages_for(user)
        .filter(submitter=user)
        .select_related("category", "district")
        .order_by("received_at", "pk")
    ))
    return [
        {
            "tracking_number": m.tracking_number,
            "received_at": m.received_at,
            "channel": m.get_channel_display(),
            "regime": m.get_regime_display(),
            "nature": m.get_nature_display(),
            "subject": m.subject,
            "body": m.body,
            "category": m.category.name if m.category_id else "",
            "district": m.district.name if m.district_id else "",
            "location": m.location,
            "status": str(m.state_label),
            "name": _plain(m.name_encrypted),
            "phone": _plain(m.phone_encrypted),
            "id_number": _plain(m.id_number_encrypted),
            "is_anonymous": m.is_anonymous,
            "is_confidential": m.is_confidential,
            "consent_to_publish_name": m.consent_to_publish_name,
            "age_band": m.get_age_band_display() if m.age_band else "",
            "guardian_consent": m.guardian_consent,
            "notice_version": m.notice_version,
        }
        for m in rows
    ]
