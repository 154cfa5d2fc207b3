//! Reading timestamps written either as RFC 3339 strings (what gloss writes)
//! or as native TOML date-times (what a person editing the file by hand may
//! type), so a hand edit does not make the whole file unreadable.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, de::Error};

/// Deserializes a timestamp from a string or a TOML offset date-time.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let text = match toml::Value::deserialize(d)? {
        toml::Value::String(s) => s,
        toml::Value::Datetime(dt) => dt.to_string(),
        other => {
            return Err(D::Error::custom(format!(
                "expected a date and time, found {}",
                other.type_str()
            )));
        }
    };
    DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            D::Error::custom(format!(
                "{text:?} is not an RFC 3339 date and time with an offset ({e})"
            ))
        })
}
