//! Finding clock times: anything finer than a day that could date an arrival, in text, in
//! binary, and in every column of every table of a database.
//!
//! What counts as a clock time:
//! - in text: a time of day `HH:MM` (so also every ISO or RFC datetime with a time), other
//!   than midnight `00:00`, which only names a day;
//! - in text: a run of exactly 10, 13, 16 or 19 digits, or 8 or 16 hex digits (both byte
//!   orders), that reads as unix seconds, milliseconds, microseconds or nanoseconds within a
//!   day of now;
//! - in binary: any 8 bytes that read, in either byte order, as unix seconds, milliseconds
//!   or microseconds within a day of now.
//!
//! Four-byte binary integers are not searched in raw bytes (random ciphertext matches a day's
//! window of them every few hundred kilobytes); the database scan reads integer columns as
//! numbers instead, which covers the way SQLite stores them.

use super::Backend;

/// Clock-time finder around one moment.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    now: i64,
}

const DAY: i64 = 86_400;

impl Clock {
    /// Times within a day of now.
    pub fn now() -> Clock {
        Clock {
            now: time::OffsetDateTime::now_utc().unix_timestamp(),
        }
    }

    fn near(&self, seconds: i64) -> bool {
        (self.now - DAY..=self.now + DAY).contains(&seconds)
    }

    /// Whether an integer is unix time within a day of now, in one of `units` per second.
    fn is_epoch_in(&self, n: i128, units: &[i128]) -> bool {
        units
            .iter()
            .any(|unit| i64::try_from(n.div_euclid(*unit)).is_ok_and(|s| self.near(s)))
    }

    /// Whether an integer is unix time (s, ms, µs or ns) within a day of now.
    pub fn is_epoch(&self, n: i128) -> bool {
        self.is_epoch_in(n, &[1, 1_000, 1_000_000, 1_000_000_000])
    }

    /// Every clock time in `text`, described.
    pub fn in_text(&self, text: &str) -> Vec<String> {
        let mut found = Vec::new();
        let b = text.as_bytes();
        // HH:MM, not inside a longer number.
        for i in 0..b.len().saturating_sub(4) {
            let w = &b[i..i + 5];
            let digit = |c: u8| c.is_ascii_digit();
            if digit(w[0])
                && digit(w[1])
                && w[2] == b':'
                && digit(w[3])
                && digit(w[4])
                && (i == 0 || !(digit(b[i - 1]) || b[i - 1] == b':'))
                && b.get(i + 5).is_none_or(|c| !digit(*c))
            {
                let hour = (w[0] - b'0') * 10 + (w[1] - b'0');
                let minute = (w[3] - b'0') * 10 + (w[4] - b'0');
                let midnight =
                    hour == 0 && minute == 0 && b.get(i + 5..i + 8).is_none_or(|s| s == b":00");
                if hour < 24 && minute < 60 && !midnight {
                    found.push(format!("time of day {}", context(text, i)));
                }
            }
        }
        // Runs of digits and of hex digits.
        for (start, run) in runs(b, |c| c.is_ascii_digit()) {
            if [10, 13, 16, 19].contains(&run.len())
                && let Ok(n) = std::str::from_utf8(run).unwrap_or("").parse::<i128>()
                && self.is_epoch(n)
            {
                found.push(format!("unix time {}", context(text, start)));
            }
        }
        for (start, run) in runs(b, |c| c.is_ascii_hexdigit()) {
            if (run.len() == 8 || run.len() == 16)
                && let Ok(bytes) = hex::decode(run)
            {
                let mut be = [0u8; 16];
                be[16 - bytes.len()..].copy_from_slice(&bytes);
                let mut le = bytes.clone();
                le.reverse();
                let mut le16 = [0u8; 16];
                le16[16 - le.len()..].copy_from_slice(&le);
                if self.is_epoch(i128::from_be_bytes(be))
                    || self.is_epoch(i128::from_be_bytes(le16))
                {
                    found.push(format!("hex unix time {}", context(text, start)));
                }
            }
        }
        found
    }

    /// Every clock time in `bytes`: as text (lossy), and as 8-byte integers of seconds,
    /// milliseconds or microseconds. (Nanoseconds and doubles are left to the text and column
    /// scans: a day's window of them is wide enough for random bytes to hit it.)
    pub fn in_bytes(&self, bytes: &[u8]) -> Vec<String> {
        let mut found = self.in_text(&String::from_utf8_lossy(bytes));
        for (i, w) in bytes.windows(8).enumerate() {
            let w: [u8; 8] = w.try_into().expect("8 bytes");
            let ints = [
                i128::from(i64::from_le_bytes(w)),
                i128::from(i64::from_be_bytes(w)),
            ];
            if ints
                .iter()
                .any(|n| self.is_epoch_in(*n, &[1, 1_000, 1_000_000]))
            {
                found.push(format!("8-byte unix time at byte {i}: {}", hex::encode(w)));
            }
        }
        found
    }

    /// Every clock time in every column of every table of the database at `url`, as
    /// `table.column: what`.
    pub async fn in_database(&self, backend: Backend, url: &str) -> Vec<String> {
        let mut found = Vec::new();
        for (table, column, text, blob) in database_values(backend, url).await {
            let times = match blob {
                Some(bytes) => self.in_bytes(&bytes),
                None => self.in_text(&text),
            };
            found.extend(times.into_iter().map(|t| format!("{table}.{column}: {t}")));
        }
        found
    }
}

fn runs(b: &[u8], class: impl Fn(u8) -> bool) -> Vec<(usize, &[u8])> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if class(b[i]) {
            let start = i;
            while i < b.len() && class(b[i]) {
                i += 1;
            }
            out.push((start, &b[start..i]));
        } else {
            i += 1;
        }
    }
    out
}

fn context(text: &str, at: usize) -> String {
    let start = text.floor_char_boundary(at.saturating_sub(30));
    let end = text.ceil_char_boundary((at + 40).min(text.len()));
    format!("«{}»", &text[start..end].replace('\n', "⏎"))
}

/// A read-only connection: unlike a writer, closing it never checkpoints and deletes the
/// server's WAL, so the WAL a test scans is the one the server left.
pub async fn read_only_sqlite(url: &str) -> sqlx::SqlitePool {
    let options: sqlx::sqlite::SqliteConnectOptions = url.parse().unwrap();
    sqlx::SqlitePool::connect_with(options.read_only(true))
        .await
        .unwrap()
}

/// Every value of every column of every table: (table, column, value as text, bytes if
/// it is a blob).
async fn database_values(
    backend: Backend,
    url: &str,
) -> Vec<(String, String, String, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    match backend {
        Backend::Sqlite => {
            let pool = read_only_sqlite(url).await;
            let tables: Vec<String> =
                sqlx::query_scalar("SELECT name FROM sqlite_schema WHERE type = 'table'")
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            for table in tables {
                let columns: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT name FROM pragma_table_info('{table}')"
                )))
                .fetch_all(&pool)
                .await
                .unwrap();
                for column in columns {
                    let values: Vec<(String, Option<Vec<u8>>)> =
                        sqlx::query_as(sqlx::AssertSqlSafe(format!(
                            "SELECT quote(\"{column}\"), \
                             CASE WHEN typeof(\"{column}\") = 'blob' THEN \"{column}\" END \
                             FROM \"{table}\""
                        )))
                        .fetch_all(&pool)
                        .await
                        .unwrap();
                    for (text, blob) in values {
                        out.push((table.clone(), column.clone(), text, blob));
                    }
                }
            }
            pool.close().await;
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            let columns: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT table_name::text, column_name::text, data_type::text \
                 FROM information_schema.columns WHERE table_schema = 'public'",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            for (table, column, data_type) in columns {
                let blob = data_type == "bytea";
                let select = if blob {
                    format!("SELECT encode(\"{column}\", 'hex') FROM \"{table}\"")
                } else {
                    format!("SELECT \"{column}\"::text FROM \"{table}\"")
                };
                let values: Vec<Option<String>> = sqlx::query_scalar(sqlx::AssertSqlSafe(select))
                    .fetch_all(&pool)
                    .await
                    .unwrap();
                for text in values.into_iter().flatten() {
                    let bytes = blob.then(|| hex::decode(&text).unwrap());
                    out.push((table.clone(), column.clone(), text, bytes));
                }
            }
            pool.close().await;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_finds_times_in_every_form() {
        let clock = Clock::now();
        let now = clock.now;
        assert!(clock.in_text("2026-12-01").is_empty());
        assert!(clock.in_text("2026-12-01T00:00:00Z").is_empty());
        assert_eq!(clock.in_text("at 09:01:22.635619Z POST").len(), 1);
        assert_eq!(clock.in_text(&format!("next={now} ")).len(), 1);
        assert_eq!(clock.in_text(&format!("ms={}", now * 1000)).len(), 1);
        assert_eq!(clock.in_text(&format!("{:08x}", now + 30)).len(), 1);
        assert!(!clock.in_bytes(&(now + 30).to_le_bytes()).is_empty());
        assert!(!clock.in_bytes(&(now * 1000).to_be_bytes()).is_empty());
        assert!(!clock.in_text(&format!("{}", now as f64 + 0.25)).is_empty());
        let random: Vec<u8> = (0..200_000)
            .map(|_| super::super::random_bytes::<1>()[0])
            .collect();
        assert!(
            clock.in_bytes(&random).is_empty(),
            "random bytes hold no time"
        );
        assert!(clock.in_text("12345678901234567890123").is_empty());
        assert!(clock.in_text(&format!("{}", now - 3 * DAY)).is_empty());
    }
}
