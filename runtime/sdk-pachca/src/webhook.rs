//! Verification of outgoing webhooks sent by Pachca.
//!
//! Pachca signs every webhook request with the bot's signing secret: the `Pachca-Signature`
//! header holds the hex-encoded HMAC-SHA256 of the **raw** request body. The payload also carries
//! `webhook_timestamp` (Unix seconds), which should be close to the current time to rule out
//! replays.
//!
//! ```no_run
//! use pachca::webhook::{WebhookError, WebhookVerifier};
//!
//! // `signature` is the value of the `Pachca-Signature` header, if the request had one.
//! fn handle(raw_body: &[u8], signature: Option<&str>) -> Result<(), WebhookError> {
//!     let verifier = WebhookVerifier::new("signing-secret");
//!     let payload = verifier.verify(raw_body, signature.unwrap_or_default())?;
//!     // ... dispatch on `payload` ...
//!     # let _ = payload;
//!     Ok(())
//! }
//! ```

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::models::WebhookPayloadUnion;

/// Name of the HTTP header carrying the webhook signature.
pub const SIGNATURE_HEADER: &str = "Pachca-Signature";

/// Default maximum difference between `webhook_timestamp` and the current time.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(60);

/// Why a webhook request was rejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature header is missing or empty.
    #[error("the {SIGNATURE_HEADER} header is missing")]
    MissingSignature,
    /// The signature does not match the body: wrong secret, or the body was altered.
    #[error("the webhook signature does not match the request body")]
    InvalidSignature,
    /// The signature header is not 64 hexadecimal digits.
    #[error("the {SIGNATURE_HEADER} header is not a hex-encoded HMAC-SHA256")]
    MalformedSignature,
    /// `webhook_timestamp` is further from the current time than the tolerance allows.
    #[error(
        "webhook timestamp {timestamp} is {}s away from the current time {now} (tolerance {}s)",
        timestamp.abs_diff(*now),
        tolerance.as_secs_f64()
    )]
    StaleTimestamp {
        /// The payload's `webhook_timestamp`, in Unix seconds.
        timestamp: i64,
        /// The current time used for the check, in Unix seconds.
        now: i64,
        /// The tolerance that was exceeded.
        tolerance: Duration,
    },
    /// The payload has no `webhook_timestamp` field.
    #[error("the webhook payload has no webhook_timestamp")]
    MissingTimestamp,
    /// The body is not valid JSON or does not match any known webhook payload.
    #[error("invalid webhook payload: {0}")]
    Json(#[source] serde_json::Error),
}

/// Checks that `signature_header` is the hex HMAC-SHA256 of `raw_body` under `secret`.
///
/// Hex digits may be upper or lower case and surrounding whitespace is ignored. The comparison
/// runs in constant time.
///
/// # Errors
///
/// [`WebhookError::MissingSignature`] for an empty header, [`WebhookError::MalformedSignature`]
/// if it is not 64 hex digits, [`WebhookError::InvalidSignature`] if it does not match.
pub fn verify_signature(
    secret: &[u8],
    raw_body: &[u8],
    signature_header: &str,
) -> Result<(), WebhookError> {
    let signature = signature_header.trim();
    if signature.is_empty() {
        return Err(WebhookError::MissingSignature);
    }
    let mut expected = [0u8; 32];
    hex::decode_to_slice(signature, &mut expected).map_err(|_| WebhookError::MalformedSignature)?;
    // HMAC accepts keys of any length, so this never fails in practice.
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret).map_err(|_| WebhookError::InvalidSignature)?;
    mac.update(raw_body);
    mac.verify_slice(&expected)
        .map_err(|_| WebhookError::InvalidSignature)
}

/// Verifies webhook requests and decodes their payload.
///
/// The secret never appears in the `Debug` output.
#[derive(Clone)]
pub struct WebhookVerifier {
    secret: Vec<u8>,
    tolerance: Duration,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("secret", &"***")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

#[derive(serde::Deserialize)]
struct Timestamp {
    webhook_timestamp: Option<i64>,
}

impl WebhookVerifier {
    /// A verifier for the bot's signing `secret`, with the [`DEFAULT_TOLERANCE`] of 60 seconds.
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        Self {
            secret: secret.into(),
            tolerance: DEFAULT_TOLERANCE,
        }
    }

    /// Sets the maximum allowed difference between `webhook_timestamp` and the current time.
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Verifies the signature and freshness of a webhook request against the system clock and
    /// decodes its payload. `raw_body` must be the exact bytes received.
    ///
    /// # Errors
    ///
    /// See [`WebhookVerifier::verify_at`].
    pub fn verify(
        &self,
        raw_body: &[u8],
        signature_header: &str,
    ) -> Result<WebhookPayloadUnion, WebhookError> {
        self.verify_at(raw_body, signature_header, SystemTime::now())
    }

    /// Like [`verify`](Self::verify), with `now` as the current time.
    ///
    /// # Errors
    ///
    /// The signature errors of [`verify_signature`]; [`WebhookError::Json`] if the body is not a
    /// JSON object with an integer `webhook_timestamp` or matches no webhook payload type;
    /// [`WebhookError::MissingTimestamp`] if the timestamp is absent; and
    /// [`WebhookError::StaleTimestamp`] if it is more than the tolerance away from `now`.
    pub fn verify_at(
        &self,
        raw_body: &[u8],
        signature_header: &str,
        now: SystemTime,
    ) -> Result<WebhookPayloadUnion, WebhookError> {
        verify_signature(&self.secret, raw_body, signature_header)?;
        let Timestamp { webhook_timestamp } =
            serde_json::from_slice(raw_body).map_err(WebhookError::Json)?;
        let timestamp = webhook_timestamp.ok_or(WebhookError::MissingTimestamp)?;
        let now = match now.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
        };
        if Duration::from_secs(timestamp.abs_diff(now)) > self.tolerance {
            return Err(WebhookError::StaleTimestamp {
                timestamp,
                now,
                tolerance: self.tolerance,
            });
        }
        serde_json::from_slice(raw_body).map_err(WebhookError::Json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values computed independently with Python's `hmac`/`hashlib` modules.
    const SECRET: &[u8] = b"secret";
    const BODY: &[u8] = b"body";
    const BODY_SIG: &str = "dc46983557fea127b43af721467eb9b3fde2338fe3e14f51952aa8478c13d355";

    // RFC 4231, test case 2.
    const RFC_KEY: &[u8] = b"Jefe";
    const RFC_DATA: &[u8] = b"what do ya want for nothing?";
    const RFC_SIG: &str = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

    // A message webhook as documented in the OpenAPI spec (`MessageWebhookPayload`).
    const HOOK_SECRET: &str = "whsec_test";
    const HOOK_BODY: &str = r#"{"type":"message","id":1245817,"event":"new","entity_type":"discussion","entity_id":5678,"content":"Message text","user_id":2345,"created_at":"2025-05-15T14:30:00.000Z","changed_at":null,"url":"https://pachca.com/chats/1245817/messages/5678","chat_id":9012,"parent_message_id":null,"thread":null,"webhook_timestamp":1747574400}"#;
    const HOOK_SIG: &str = "0dafe7aac14d0e4ada8717123fea2f1c517b3c7b7a9b34af4afcd710ca1a0e81";
    const HOOK_TS: u64 = 1_747_574_400;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn sign(secret: &[u8], body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn known_vectors() {
        assert_eq!(sign(SECRET, BODY), BODY_SIG);
        assert_eq!(sign(RFC_KEY, RFC_DATA), RFC_SIG);
        verify_signature(SECRET, BODY, BODY_SIG).unwrap();
        verify_signature(RFC_KEY, RFC_DATA, RFC_SIG).unwrap();
        verify_signature(SECRET, BODY, &BODY_SIG.to_uppercase()).unwrap();
        verify_signature(SECRET, BODY, &format!(" {BODY_SIG}\n")).unwrap();
    }

    #[test]
    fn rejects_bad_signatures() {
        assert!(matches!(
            verify_signature(SECRET, BODY, ""),
            Err(WebhookError::MissingSignature)
        ));
        assert!(matches!(
            verify_signature(SECRET, BODY, "  "),
            Err(WebhookError::MissingSignature)
        ));
        assert!(matches!(
            verify_signature(SECRET, BODY, "zz"),
            Err(WebhookError::MalformedSignature)
        ));
        assert!(matches!(
            verify_signature(SECRET, BODY, &BODY_SIG[..62]),
            Err(WebhookError::MalformedSignature)
        ));
        assert!(matches!(
            verify_signature(SECRET, BODY, &format!("{BODY_SIG}00")),
            Err(WebhookError::MalformedSignature)
        ));
        assert!(matches!(
            verify_signature(b"other", BODY, BODY_SIG),
            Err(WebhookError::InvalidSignature)
        ));
        assert!(matches!(
            verify_signature(SECRET, b"body ", BODY_SIG),
            Err(WebhookError::InvalidSignature)
        ));
        let mut flipped = BODY_SIG.to_owned();
        flipped.replace_range(0..1, "e");
        assert!(matches!(
            verify_signature(SECRET, BODY, &flipped),
            Err(WebhookError::InvalidSignature)
        ));
    }

    #[test]
    fn verifies_and_decodes_a_fresh_payload() {
        assert_eq!(sign(HOOK_SECRET.as_bytes(), HOOK_BODY.as_bytes()), HOOK_SIG);
        let verifier = WebhookVerifier::new(HOOK_SECRET);
        verifier
            .verify_at(HOOK_BODY.as_bytes(), HOOK_SIG, at(HOOK_TS))
            .unwrap();
        verifier
            .verify_at(HOOK_BODY.as_bytes(), HOOK_SIG, at(HOOK_TS + 60))
            .unwrap();
        verifier
            .verify_at(HOOK_BODY.as_bytes(), HOOK_SIG, at(HOOK_TS - 60))
            .unwrap();
        assert!(matches!(
            verifier.verify_at(HOOK_BODY.as_bytes(), HOOK_SIG, at(HOOK_TS + 61)),
            Err(WebhookError::StaleTimestamp { timestamp, now, .. }) if timestamp == 1_747_574_400 && now == 1_747_574_461
        ));
        assert!(matches!(
            verifier.verify_at(HOOK_BODY.as_bytes(), HOOK_SIG, at(HOOK_TS - 61)),
            Err(WebhookError::StaleTimestamp { .. })
        ));
        let lenient = verifier.clone().with_tolerance(Duration::from_secs(3600));
        lenient
            .verify_at(HOOK_BODY.as_bytes(), HOOK_SIG, at(HOOK_TS + 3600))
            .unwrap();
        // The real clock is far past the example timestamp.
        assert!(matches!(
            verifier.verify(HOOK_BODY.as_bytes(), HOOK_SIG),
            Err(WebhookError::StaleTimestamp { .. })
        ));
    }

    #[test]
    fn signature_is_checked_before_parsing() {
        let verifier = WebhookVerifier::new(HOOK_SECRET);
        let tampered = HOOK_BODY.replace("Message text", "Message text!");
        assert!(matches!(
            verifier.verify_at(tampered.as_bytes(), HOOK_SIG, at(HOOK_TS)),
            Err(WebhookError::InvalidSignature)
        ));
        assert!(matches!(
            verifier.verify_at(b"not json", HOOK_SIG, at(HOOK_TS)),
            Err(WebhookError::InvalidSignature)
        ));
    }

    #[test]
    fn timestamp_and_json_errors() {
        let verifier = WebhookVerifier::new(SECRET);
        let no_ts = br#"{"type":"message"}"#;
        assert!(matches!(
            verifier.verify_at(no_ts, &sign(SECRET, no_ts), at(HOOK_TS)),
            Err(WebhookError::MissingTimestamp)
        ));
        let not_json = b"not json";
        assert!(matches!(
            verifier.verify_at(not_json, &sign(SECRET, not_json), at(HOOK_TS)),
            Err(WebhookError::Json(_))
        ));
        let string_ts = br#"{"webhook_timestamp":"1747574400"}"#;
        assert!(matches!(
            verifier.verify_at(string_ts, &sign(SECRET, string_ts), at(HOOK_TS)),
            Err(WebhookError::Json(_))
        ));
    }

    #[test]
    fn debug_hides_the_secret() {
        let debug = format!("{:?}", WebhookVerifier::new("super-secret-value"));
        assert!(!debug.contains("super-secret-value"), "{debug}");
        assert!(debug.contains("***"));
    }
}
