//! The records the faces print as JSON Lines or CSV, and the one writer
//! of both. A record's layout (its keys, in order, and how each value is
//! read) is written once, in its [`Record`] impl; JSON, the CSV header and
//! the CSV rows all come from that one list.
//!
//! | file | what |
//! | --- | --- |
//! | `value.rs` | [`Value`]: one field's value (and its serde form) |
//! | `writer.rs` | [`RecordWriter`]: JSON Lines or CSV, the one place records are written |
//! | `block.rs` | the block lines are spelled into, and its cursor |
//! | `spelling.rs` | how JSON and CSV spell each value |
//! | `seconds.rs` | seconds spelled by integer arithmetic, as zmij and `fmt` spell them |
//! | `annotation.rs` | a segment (`annotate`), and a frame that does not parse |
//! | `summary.rs` | a connection summary (`conns`) |
//!
//! The endpoint record of `states` lives beside its data in `states.rs`.
//! Code outside the CLI (the Python package, the Zeek log) writes exactly
//! `annotate --json`, `conns --json` and `states --json` through
//! [`RecordWriter`], or embeds one record in its own JSON through [`Json`].

mod annotation;
mod block;
mod seconds;
mod spelling;
mod summary;
mod value;
mod writer;

pub use annotation::{FrameError, Malformed};
pub use value::Value;
pub use writer::{Json, RecordFormat, RecordWriter};

/// Something printed as one JSON object or one CSV row.
pub trait Record {
    /// Lists the record's fields, in order: each key with the function
    /// that reads its value from a record.
    fn layout<F: Fields<Self>>(fields: &mut F) -> Result<(), F::Error>;
}

/// What a record's [`Record::layout`] is told its fields through: the JSON
/// and CSV writers, and the CSV header.
pub trait Fields<R: ?Sized> {
    /// What can go wrong while taking a field.
    type Error;
    /// The field `key`, whose value `value` reads from a record.
    fn field(&mut self, key: &'static str, value: fn(&R) -> Value<'_>) -> Result<(), Self::Error>;
}

/// The keys of a record, in order (the CSV header).
pub fn keys<R: Record + ?Sized>() -> Vec<&'static str> {
    struct Keys(Vec<&'static str>);
    impl<R: ?Sized> Fields<R> for Keys {
        type Error = core::convert::Infallible;
        fn field(&mut self, key: &'static str, _: fn(&R) -> Value<'_>) -> Result<(), Self::Error> {
            self.0.push(key);
            Ok(())
        }
    }
    let mut keys = Keys(Vec::new());
    let Ok(()) = R::layout(&mut keys);
    keys.0
}
