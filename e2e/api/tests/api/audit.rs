//! The audit log on the local stack: `cargo xtask admin grant` (through the control server,
//! which runs the same code) records the promotion.

use ptp_shared::{AuditPage, Me};

use crate::support::{DATABASE, local_control, local_sign_in_available, signed_in_admin};

#[tokio::test]
async fn granting_admin_from_the_command_line_is_in_the_audit_log() {
    let _db = DATABASE.read().await;
    let Some(control) = local_control("granting admin needs the local stack's control server")
    else {
        return;
    };
    if !local_sign_in_available().await {
        return;
    }
    let admin = signed_in_admin(&control, "audited").await;
    let me: Me = admin.get("/api/v1/me").await.json().await.unwrap();
    let page = admin
        .get(&format!("/api/v1/admin/audit?target=user:{}", me.id))
        .await;
    assert_eq!(page.status(), 200);
    let page: AuditPage = page.json().await.unwrap();
    assert_eq!(page.entries.len(), 1, "{page:?}");
    let entry = &page.entries[0];
    assert_eq!(
        (entry.actor.as_str(), entry.action.as_str()),
        ("cli", "role_grant")
    );
    assert_eq!(entry.diff["role"], serde_json::json!(["learner", "admin"]));
    assert_eq!(entry.diff["email"], me.email.unwrap().as_str());
}
