//! Sessions live in the database (never in process memory), so any number of server processes can
//! share them; they are stored under a hash of their id (`app::db::sessions`).

use app::api::context::SESSION_USER;
use app::db::{sessions, Db};
use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
}

impl Store {
    pub fn new(db: Db) -> Store {
        Store { db }
    }

    async fn write(&self, record: &Record, new: bool) -> session_store::Result<bool> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let key = sessions::key(&record.id.to_string());
        let user_id = record.data.get(SESSION_USER).and_then(|v| v.as_str());
        let stored = sessions::Stored {
            key: &key,
            user_id,
            data: &data,
            expires_at: record.expiry_date.unix_timestamp(),
        };
        sessions::write(&self.db, &stored, !new)
            .await
            .map_err(backend)
    }
}

fn backend(e: app::domain::AppError) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

#[async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        while !self.write(record, true).await? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.write(record, false).await.map(|_| ())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let key = sessions::key(&id.to_string());
        let Some((data, expires_at)) = sessions::load(&self.db, &key, now())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data =
            serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(expires_at)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sessions::delete(&self.db, &sessions::key(&id.to_string()))
            .await
            .map_err(backend)
    }
}
