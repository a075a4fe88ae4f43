//! Payments over HTTP against our Stripe stand-in: a member pays on its checkout page and is Pro
//! once the signed events land; the portal cancels at the period's end; every delivery the
//! stand-in made is refused when tampered, old or signed by another secret, and answered as a
//! duplicate when replayed; duplicated, reordered and late deliveries end in the same state;
//! and a free learner's refusal carries the 402 body.

mod stand_in;

use serde_json::{Value, json};

pub(crate) use stand_in::pro_member;
use stand_in::{billing, checkout_url, hmac_header, member, member_and_id, stripe, webhook};

use crate::learning::{guest, start};
use crate::support::{DATABASE, client};

#[tokio::test]
async fn a_member_pays_is_pro_and_a_cancellation_ends_pro_at_the_period_end() {
    let _db = DATABASE.read().await;
    let Some(stripe) = stripe() else { return };
    let (member, user_id) = member_and_id("pays").await;
    assert_eq!(billing(&member).await["plan"], "free");
    let url = checkout_url(&member, "annual").await;
    assert!(url.starts_with(&stripe.url), "{url}");

    let (status, to) = stripe.pay(&url, "4242 4242 4242 4242").await;
    assert_eq!(status, 303);
    assert!(to.ends_with("/account?checkout=success"), "{to}");
    let status = billing(&member).await;
    assert_eq!(status["plan"], "pro", "{status}");
    assert_eq!(status["subscription"]["interval"], "annual");
    // This member's deliveries (other tests pay meanwhile), each answered 200.
    let mine: Vec<Value> = stripe
        .events()
        .await
        .into_iter()
        .map(|e| {
            let body: Value = serde_json::from_str(e["body"].as_str().unwrap()).unwrap();
            json!({"status": e["status"], "type": e["type"], "body": body})
        })
        .filter(|e| {
            let object = &e["body"]["data"]["object"];
            object["metadata"]["user_id"] == user_id.as_str()
                || object["client_reference_id"] == user_id.as_str()
        })
        .collect();
    assert_eq!(
        mine.len(),
        2,
        "the subscription's creation and the checkout: {mine:?}"
    );
    assert!(mine.iter().all(|e| e["status"] == 200), "{mine:?}");

    let again = member
        .post_json("/api/v1/billing/checkout", json!({"interval": "monthly"}))
        .await;
    assert_eq!(again.status(), 409);
    let refused: Value = again.json().await.unwrap();
    assert!(
        refused["error"]["details"]["portal_url"]
            .as_str()
            .unwrap()
            .starts_with(&stripe.url)
    );

    let portal = member.post_json("/api/v1/billing/portal", json!({})).await;
    assert_eq!(portal.status(), 200);
    let sub = mine
        .iter()
        .find(|e| e["type"] == "customer.subscription.created")
        .map(|e| e["body"].clone())
        .expect("the subscription's creation was delivered");
    let (sub_id, customer) = (
        sub["data"]["object"]["id"].as_str().unwrap().to_string(),
        sub["data"]["object"]["customer"]
            .as_str()
            .unwrap()
            .to_string(),
    );
    let portal: Value = portal.json().await.unwrap();
    let cancelled = client()
        .post(format!(
            "{}/cancel?sub={sub_id}",
            portal["url"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), 303, "back to the portal page");
    let status = billing(&member).await;
    assert_eq!(
        (
            status["plan"].as_str(),
            status["subscription"]["cancel_at_period_end"].as_bool()
        ),
        (Some("pro"), Some(true)),
        "Pro until the period ends"
    );

    stripe
        .control("/_stripe/advance", json!({ "customer": customer }))
        .await;
    assert_eq!(billing(&member).await["plan"], "free");
}

#[tokio::test]
async fn our_verifier_refuses_what_stripe_would_and_a_replay_changes_nothing() {
    let _db = DATABASE.read().await;
    let Some(stripe) = stripe() else { return };
    let member = member("signatures").await;
    let url = checkout_url(&member, "monthly").await;
    assert_eq!(stripe.pay(&url, "4242424242424242").await.0, 303);
    let delivered = stripe
        .events()
        .await
        .last()
        .cloned()
        .expect("a delivered event");
    let (body, header) = (
        delivered["body"].as_str().unwrap().to_string(),
        delivered["signature"].as_str().unwrap().to_string(),
    );
    let (status, receipt) = webhook(&body, &header).await;
    assert_eq!(
        (status, receipt["outcome"].as_str()),
        (200, Some("duplicate"))
    );

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let old: Value = stripe
        .control(
            "/_stripe/sign",
            json!({"payload": body, "timestamp": now - 400}),
        )
        .await;
    let tampered = body.replacen("\"livemode\":false", "\"livemode\":true", 1);
    assert_ne!(tampered, body);
    for (what, payload, signature) in [
        ("tampered body", tampered.as_str(), header.clone()),
        (
            "old timestamp",
            body.as_str(),
            old["header"].as_str().unwrap().to_string(),
        ),
        (
            "wrong secret",
            body.as_str(),
            hmac_header("whsec_not_ours", now, &body),
        ),
        ("no v1", body.as_str(), format!("t={now}")),
    ] {
        let (status, refused) = webhook(payload, &signature).await;
        assert_eq!(status, 400, "{what}: {refused}");
        assert_eq!(refused["error"]["code"], "invalid_input", "{what}");
    }
    let fresh = body
        .replacen(delivered["id"].as_str().unwrap(), "evt_e2e_unknown_type", 1)
        .replacen(
            delivered["type"].as_str().unwrap(),
            "customer.discount.created",
            1,
        );
    let both = format!(
        "{},{}",
        hmac_header("whsec_not_ours", now, &fresh),
        hmac_header(&stripe.secret, now, &fresh)
            .split_once(',')
            .unwrap()
            .1
    );
    let (status, receipt) = webhook(&fresh, &both).await;
    assert_eq!(
        (status, receipt["outcome"].as_str()),
        (200, Some("ignored")),
        "one good v1 of two"
    );
}

#[tokio::test]
async fn duplicated_reordered_and_late_deliveries_end_in_the_same_state() {
    let _db = DATABASE.write().await;
    let Some(stripe) = stripe() else { return };
    for switches in [
        json!({"duplicate": true}),
        json!({"out_of_order": true}),
        json!({"late": true}),
    ] {
        stripe.control("/_stripe/switches", switches.clone()).await;
        let member = member("switches").await;
        let url = checkout_url(&member, "monthly").await;
        let paid = stripe.pay(&url, "4242424242424242").await;
        if switches["late"] == true {
            assert_eq!(
                billing(&member).await["plan"],
                "free",
                "nothing delivered yet"
            );
            stripe.control("/_stripe/deliver_late", json!({})).await;
        }
        stripe.control("/_stripe/switches", json!({})).await;
        assert_eq!(paid.0, 303, "{switches}");
        assert_eq!(billing(&member).await["plan"], "pro", "{switches}");
    }
    let declined = member("declined").await;
    let url = checkout_url(&declined, "monthly").await;
    assert_eq!(stripe.pay(&url, "4000 0000 0000 0002").await.0, 402);
    assert_eq!(billing(&declined).await["plan"], "free");
}

#[tokio::test]
async fn a_free_learner_past_the_practice_allowance_gets_402_with_what_is_left() {
    let _db = DATABASE.read().await;
    let plans: Value = client()
        .get(crate::support::url("/api/v1/billing/plans"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let free = &plans["plans"][0];
    assert_eq!(free["plan"], "free");
    let limit = free["limits"]["practice_answers_per_day"].as_u64().unwrap() as usize;
    let learner = guest().await;
    let mut answered = 0;
    let mut refused = None;
    let mut next = None;
    while refused.is_none() {
        let session = start(
            &learner,
            json!({"exam": "SY0-701", "mode": "practice", "count": 50}),
        )
        .await;
        for item in &session.items {
            let ids = crate::learning::some_answer(&item.question);
            let reply =
                crate::learning::answer(&learner, &session.id, &item.question.id, &ids).await;
            if reply.status() == 402 {
                refused = Some(reply.json::<Value>().await.unwrap());
                let ids: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
                next = Some((session.id.clone(), item.question.id.clone(), ids));
                break;
            }
            assert_eq!(reply.status(), 200);
            answered += 1;
        }
    }
    assert_eq!(answered, limit, "exactly the allowance");
    let refused = refused.unwrap();
    let details = &refused["error"]["details"];
    assert_eq!(refused["error"]["code"], "payment_required");
    assert_eq!(
        (details["allowance"].as_str(), details["remaining"].as_u64()),
        (Some("practice_answers"), Some(0))
    );
    assert_eq!(details["limit"].as_u64(), Some(limit as u64));
    assert!(
        details["renews_at"]
            .as_str()
            .unwrap()
            .ends_with("T00:00:00.000Z")
    );
    // Whatever the client claims, the plan is the one stored: a header is ignored, a field refused.
    let (session, question, ids) = next.unwrap();
    let path = format!("/api/v1/sessions/{session}/answers");
    let claimed = learner
        .request(reqwest::Method::POST, &path)
        .header("x-plan", "pro")
        .json(&json!({"question": question, "answer": ids, "elapsed_ms": 9_000}))
        .send()
        .await
        .unwrap();
    assert_eq!(claimed.status(), 402);
    let field = learner
        .post_json(
            &path,
            json!({"question": question, "answer": ids, "elapsed_ms": 9_000, "plan": "pro"}),
        )
        .await;
    assert_eq!(field.status(), 400);
    let status: Value = learner.get("/api/v1/billing").await.json().await.unwrap();
    assert_eq!(status["allowances"][0]["remaining"], 0, "{status}");
}
