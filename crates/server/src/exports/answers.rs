//! The raw anonymous answers of a campaign as a table: fixed columns (id, commune,
//! channel, day) then one column per question, or per option for multiple choice, with
//! the French labels of the campaign's questionnaire version.

use std::io::Write;

use anyhow::Context;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use solidarites_domain::{AnswerValue, QuestionKind, QuestionnaireDefinition, ValidatedAnswers};
use tokio::runtime::Handle;

use super::{french_csv, french_date, french_decimal, ChunkWriter, PAGE_ROWS, UTF8_BOM};
use crate::storage::{self, answers::StoredAnswer};

/// French names of the answer channels.
pub fn channel_label(channel: &str) -> &str {
    match channel {
        "web" => "Internet",
        "telephone" => "Téléphone",
        "papier" => "Papier",
        "accueil" => "Accueil",
        "visite" => "Visite à domicile",
        other => other,
    }
}

/// One cell of the table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Integer(i64),
    Number(f64),
}

/// Where a column takes its value from.
#[derive(Debug, Clone)]
enum Source {
    /// The whole answer to a question.
    Question(String),
    /// Whether an option of a multiple choice question was chosen.
    Option { question: String, value: String },
    /// The "other" text of a multiple choice question.
    Other(String),
}

/// The columns of a campaign's raw answers.
#[derive(Debug, Clone)]
pub struct AnswerTable {
    headers: Vec<String>,
    sources: Vec<Source>,
    definition: QuestionnaireDefinition,
}

/// Fixed columns before the questions.
const FIXED: [&str; 5] = [
    "Identifiant de la réponse",
    "Code commune (INSEE)",
    "Commune",
    "Canal",
    "Date de réponse",
];

impl AnswerTable {
    pub fn new(definition: QuestionnaireDefinition) -> Self {
        let mut headers: Vec<String> = FIXED.iter().map(|&h| h.to_owned()).collect();
        let mut sources = Vec::new();
        for (_, _, question) in definition.questions() {
            match &question.kind {
                QuestionKind::MultipleChoice {
                    options,
                    allow_other,
                    ..
                } => {
                    for option in options {
                        headers.push(format!("{} — {}", question.label, option.label));
                        sources.push(Source::Option {
                            question: question.id.clone(),
                            value: option.value.clone(),
                        });
                    }
                    if *allow_other {
                        headers.push(format!("{} — Autre (précisez)", question.label));
                        sources.push(Source::Other(question.id.clone()));
                    }
                }
                _ => {
                    headers.push(question.label.clone());
                    sources.push(Source::Question(question.id.clone()));
                }
            }
        }
        Self {
            headers,
            sources,
            definition,
        }
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The cells of one stored answer set, `commune_name` looked up by the caller.
    pub fn row(&self, stored: &StoredAnswer, commune_name: &str) -> anyhow::Result<Vec<Cell>> {
        let answers: ValidatedAnswers = serde_json::from_str(&stored.answers)
            .with_context(|| format!("stored answers of response {} are invalid", stored.id))?;
        let mut cells = Vec::with_capacity(self.headers.len());
        cells.push(Cell::Text(stored.id.clone()));
        cells.push(Cell::Text(stored.commune_code.clone()));
        cells.push(Cell::Text(commune_name.to_owned()));
        cells.push(Cell::Text(channel_label(&stored.channel).to_owned()));
        cells.push(Cell::Text(french_date(stored.submitted_on)));
        for source in &self.sources {
            cells.push(self.cell(source, &answers));
        }
        Ok(cells)
    }

    fn cell(&self, source: &Source, answers: &ValidatedAnswers) -> Cell {
        match source {
            Source::Question(id) => match answers.0.get(id) {
                None => Cell::Empty,
                Some(AnswerValue::Choice(value)) => Cell::Text(self.option_label(id, value)),
                Some(AnswerValue::YesNo(yes)) => Cell::Text(oui_non(*yes).to_owned()),
                Some(AnswerValue::Scale(n)) => Cell::Integer(i64::from(*n)),
                Some(AnswerValue::Number(x)) => Cell::Number(*x),
                Some(AnswerValue::Text(text)) => Cell::Text(text.clone()),
                Some(AnswerValue::Date(date)) => Cell::Text(
                    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
                        .map_or_else(|_| date.clone(), french_date),
                ),
                Some(AnswerValue::Commune(code)) => Cell::Text(code.as_str().to_owned()),
                Some(AnswerValue::Choices { values, .. }) => Cell::Text(
                    values
                        .iter()
                        .map(|v| self.option_label(id, v))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            },
            Source::Option { question, value } => match answers.0.get(question) {
                Some(AnswerValue::Choices { values, .. }) => {
                    Cell::Text(oui_non(values.contains(value)).to_owned())
                }
                _ => Cell::Empty,
            },
            Source::Other(question) => match answers.0.get(question) {
                Some(AnswerValue::Choices {
                    other: Some(text), ..
                }) => Cell::Text(text.clone()),
                _ => Cell::Empty,
            },
        }
    }

    fn option_label(&self, question: &str, value: &str) -> String {
        let options = match self.definition.question(question).map(|q| &q.kind) {
            Some(
                QuestionKind::SingleChoice { options }
                | QuestionKind::MultipleChoice { options, .. },
            ) => options.as_slice(),
            _ => &[],
        };
        options
            .iter()
            .find(|o| o.value == value)
            .map_or_else(|| value.to_owned(), |o| o.label.clone())
    }
}

fn oui_non(yes: bool) -> &'static str {
    if yes {
        "oui"
    } else {
        "non"
    }
}

/// What a raw-answers export needs: the campaign, its table, the commune names.
#[derive(Debug, Clone)]
pub struct AnswersExport {
    pub db: sea_orm::DatabaseConnection,
    pub campaign_id: String,
    pub table: AnswerTable,
    /// INSEE code → commune name.
    pub commune_names: std::collections::HashMap<String, String>,
}

impl AnswersExport {
    /// Calls `each` for every answer of the campaign, reading the database page by page.
    fn for_each_row(
        &self,
        handle: &Handle,
        mut each: impl FnMut(Vec<Cell>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut after: Option<String> = None;
        loop {
            let page = handle.block_on(storage::answers::page_by_id(
                &self.db,
                &self.campaign_id,
                after.as_deref(),
                PAGE_ROWS,
            ))?;
            let Some(last) = page.last() else {
                return Ok(());
            };
            after = Some(last.id.clone());
            for stored in &page {
                let name = self
                    .commune_names
                    .get(&stored.commune_code)
                    .map_or("", String::as_str);
                each(self.table.row(stored, name)?)?;
            }
        }
    }

    /// UTF-8 with BOM, `;`, CRLF, decimal commas.
    pub fn write_csv(&self, out: &mut ChunkWriter, handle: &Handle) -> anyhow::Result<()> {
        out.write_all(UTF8_BOM)?;
        let mut csv = french_csv(out);
        csv.write_record(self.table.headers())?;
        let mut record: Vec<String> = Vec::new();
        self.for_each_row(handle, |cells| {
            record.clear();
            record.extend(cells.into_iter().map(|cell| match cell {
                Cell::Empty => String::new(),
                Cell::Text(text) => text,
                Cell::Integer(n) => n.to_string(),
                Cell::Number(x) => french_decimal(x, 6),
            }));
            csv.write_record(&record)?;
            Ok(())
        })?;
        csv.flush()?;
        Ok(())
    }

    /// One "Réponses" sheet (more when past Excel's 1,048,576 rows), written in constant
    /// memory mode: rows go to a temporary file, then the zipped workbook is streamed.
    pub fn write_xlsx(&self, out: &mut ChunkWriter, handle: &Handle) -> anyhow::Result<()> {
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let mut sheet_count = 1;
        let mut row: u32 = 0;
        let headers = self.table.headers().to_vec();
        let new_sheet = |workbook: &mut Workbook, n: usize| -> anyhow::Result<()> {
            let sheet = workbook.add_worksheet_with_constant_memory()?;
            let name = if n == 1 {
                "Réponses".to_owned()
            } else {
                format!("Réponses ({n})")
            };
            sheet.set_name(name)?;
            write_header(sheet, &headers, &bold)?;
            Ok(())
        };
        new_sheet(&mut workbook, sheet_count)?;
        self.for_each_row(handle, |cells| {
            if row >= XLSX_MAX_DATA_ROWS {
                sheet_count += 1;
                row = 0;
                new_sheet(&mut workbook, sheet_count)?;
            }
            row += 1;
            let sheet = workbook
                .worksheets_mut()
                .last_mut()
                .context("the workbook has no sheet")?;
            for (col, cell) in cells.iter().enumerate() {
                let col = u16::try_from(col).context("too many columns for a sheet")?;
                write_cell(sheet, row, col, cell)?;
            }
            Ok(())
        })?;
        workbook.save_to_writer(out)?;
        Ok(())
    }
}

/// Data rows of one sheet (Excel's limit is 1,048,576 rows, the header included).
const XLSX_MAX_DATA_ROWS: u32 = 1_048_575;

pub fn write_header(
    sheet: &mut Worksheet,
    headers: &[String],
    bold: &Format,
) -> anyhow::Result<()> {
    for (col, header) in headers.iter().enumerate() {
        let col = u16::try_from(col).context("too many columns for a sheet")?;
        sheet.write_string_with_format(0, col, header, bold)?;
    }
    Ok(())
}

pub fn write_cell(sheet: &mut Worksheet, row: u32, col: u16, cell: &Cell) -> anyhow::Result<()> {
    match cell {
        Cell::Empty => {}
        Cell::Text(text) => {
            sheet.write_string(row, col, text)?;
        }
        #[allow(clippy::cast_precision_loss)] // answers are small integers
        Cell::Integer(n) => {
            sheet.write_number(row, col, *n as f64)?;
        }
        Cell::Number(x) => {
            sheet.write_number(row, col, *x)?;
        }
    }
    Ok(())
}
