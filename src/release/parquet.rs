//! `articles.parquet`: the records as Apache Parquet, written with the Arrow
//! crates. Column types come from the schema (dates as `date32`, counts as
//! `int64`, nullable exactly where the schema allows null). Every writer
//! setting that reaches the bytes is fixed here (created-by string, row-group
//! size, compression, format version), so a rebuild gives the same file.

use crate::error::{Error, Result};
use crate::record::schema::{self, Kind};
use crate::record::{Article, Cell};
use arrow_array::builder::{Date32Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use chrono::NaiveDate;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::{WriterProperties, WriterVersion};
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

fn parquet_error(e: impl std::fmt::Display) -> Error {
    Error::Parquet(e.to_string())
}

/// The Arrow schema of a release, derived from `schema/article.schema.json`.
pub fn arrow_schema() -> Result<SchemaRef> {
    let fields = schema::fields()?
        .into_iter()
        .map(|f| {
            let ty = match f.kind {
                Kind::Text | Kind::Choice(_) => DataType::Utf8,
                Kind::Date => DataType::Date32,
                Kind::Integer => DataType::Int64,
            };
            Field::new(&f.name, ty, f.nullable)
                .with_metadata(HashMap::from([("description".to_string(), f.description)]))
        })
        .collect::<Vec<_>>();
    Ok(Arc::new(Schema::new(fields)))
}

/// Rows the writer encodes at a time; a page ends only between two such
/// batches, so this is part of the file's bytes. Written out (it is the
/// crate's default) so that a new default cannot change a release, and so
/// that callers can hand over rows in multiples of it: other batch sizes
/// move the page bounds.
pub const WRITE_BATCH: usize = 1024;

fn properties(rows_per_group: usize) -> WriterProperties {
    WriterProperties::builder()
        .set_write_batch_size(WRITE_BATCH)
        .set_created_by(format!("newscorpus {}", crate::config::BUILDER_VERSION))
        // Snappy: read by every Parquet client, and pure Rust here.
        .set_compression(Compression::SNAPPY)
        .set_writer_version(WriterVersion::PARQUET_1_0)
        .set_max_row_group_row_count(Some(rows_per_group.max(1)))
        .set_max_row_group_bytes(None)
        .build()
}

enum Column {
    Text(StringBuilder),
    Date(Date32Builder),
    Int(Int64Builder),
}

/// Writes batches of articles as row groups of at most `rows_per_group`.
/// The file's bytes are the same however the rows are split into calls of
/// [`ParquetSink::write`], as long as each call but the last hands over a
/// multiple of [`WRITE_BATCH`] rows.
pub struct ParquetSink<W: Write + Send> {
    schema: SchemaRef,
    writer: ArrowWriter<W>,
}

impl<W: Write + Send> ParquetSink<W> {
    pub fn new(out: W, rows_per_group: usize) -> Result<Self> {
        let schema = arrow_schema()?;
        let writer = ArrowWriter::try_new(out, schema.clone(), Some(properties(rows_per_group)))
            .map_err(parquet_error)?;
        Ok(ParquetSink { schema, writer })
    }

    pub fn write<'a>(
        &mut self,
        articles: impl ExactSizeIterator<Item = &'a Article>,
    ) -> Result<()> {
        let n = articles.len();
        let mut columns: Vec<Column> = self
            .schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Date32 => Column::Date(Date32Builder::with_capacity(n)),
                DataType::Int64 => Column::Int(Int64Builder::with_capacity(n)),
                _ => Column::Text(StringBuilder::with_capacity(n, n * 64)),
            })
            .collect();
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        for a in articles {
            for (field, column) in self.schema.fields().iter().zip(&mut columns) {
                let cell = a.cell(field.name()).ok_or_else(|| {
                    parquet_error(format!("the record has no field `{}`", field.name()))
                })?;
                match (column, cell) {
                    (Column::Text(b), Cell::Text(v)) => b.append_option(v),
                    (Column::Text(b), Cell::Id(id)) => b.append_value(id.to_string()),
                    (Column::Int(b), Cell::Int(v)) => b.append_value(
                        i64::try_from(v)
                            .map_err(|_| parquet_error(format!("{}: {v} is too large", a.id)))?,
                    ),
                    (Column::Date(b), Cell::Text(v)) => b.append_option(
                        v.map(|d| {
                            crate::record::calendar::parse_date(d)
                                .map(|d| (d - epoch).num_days() as i32)
                                .ok_or_else(|| {
                                    parquet_error(format!("{}: `{d}` is not a date", a.id))
                                })
                        })
                        .transpose()?,
                    ),
                    _ => {
                        return Err(parquet_error(format!(
                            "field `{}` does not fit its column type",
                            field.name()
                        )))
                    }
                }
            }
        }
        let arrays: Vec<ArrayRef> = columns
            .into_iter()
            .map(|c| -> ArrayRef {
                match c {
                    Column::Text(mut b) => Arc::new(b.finish()),
                    Column::Date(mut b) => Arc::new(b.finish()),
                    Column::Int(mut b) => Arc::new(b.finish()),
                }
            })
            .collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays).map_err(parquet_error)?;
        self.writer.write(&batch).map_err(parquet_error)
    }

    /// Writes the footer; gives the underlying writer back.
    pub fn finish(self) -> Result<W> {
        self.writer.into_inner().map_err(parquet_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrow_types_follow_the_schema() {
        let s = arrow_schema().unwrap();
        let f = |n: &str| s.field_with_name(n).unwrap().clone();
        assert_eq!(f("published").data_type(), &DataType::Date32);
        assert!(f("published").is_nullable());
        assert_eq!(f("word_count").data_type(), &DataType::Int64);
        assert!(!f("word_count").is_nullable());
        assert_eq!(f("body").data_type(), &DataType::Utf8);
        assert!(!f("body").is_nullable());
        assert!(f("title").is_nullable());
        let names: Vec<&str> = s.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, crate::record::FIELDS);
    }

    /// A record with a body of 200 to 1,200 words drawn from a small
    /// vocabulary (so the pages are dictionary-encoded, then fall back).
    fn sample(i: u64) -> Article {
        const WORDS: [&str; 12] = [
            "the", "Kremlin", "said", "on", "Tuesday", "that", "talks", "would", "go", "ahead",
            "in", "Geneva",
        ];
        let mut x = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let n = 200 + next() % 1000;
        let body: Vec<String> = (0..n)
            .map(|_| {
                let r = next();
                if r.is_multiple_of(50) {
                    format!("w{}", r % 100_000)
                } else {
                    WORDS[(r % 12) as usize].to_string()
                }
            })
            .collect();
        Article {
            id: crate::record::ArticleId::from_u64(next()),
            published: (!i.is_multiple_of(7)).then(|| format!("2021-12-{:02}", 1 + i % 28)),
            published_time: i.is_multiple_of(3).then(|| "10:25".to_string()),
            timezone: None,
            date_source: crate::record::DateSourceField::Dateline,
            title: Some(format!("Headline {i}")),
            url: None,
            outlet: None,
            language: Some("en".into()),
            language_source: crate::record::LanguageSourceField::Detected,
            word_count: n,
            body: body.join(" "),
            source_file: format!("{i:07}.txt"),
            source_sha256: format!("{:064x}", i),
            text_sha256: format!("{:064x}", i + 1),
            removed_lines: i % 4,
        }
    }

    #[test]
    fn a_file_is_the_same_however_its_rows_are_handed_over() {
        // The release writer renders records in chunks smaller than a row
        // group; the file must be the one a whole group at a time gives.
        let articles: Vec<Article> = (0..9_000).map(sample).collect();
        let write = |chunk: usize| {
            let mut sink = ParquetSink::new(Vec::new(), 4096).unwrap();
            for part in articles.chunks(chunk) {
                sink.write(part.iter()).unwrap();
            }
            sink.finish().unwrap()
        };
        let whole = write(4096);
        for chunk in [WRITE_BATCH, 2 * WRITE_BATCH] {
            assert!(write(chunk) == whole, "handed over {chunk} rows at a time");
        }
    }
}
