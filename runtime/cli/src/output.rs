//! Rendering of API responses for the terminal.
//!
//! Every command of the CLI ends with a [`serde_json::Value`]; [`render`]
//! turns it into the text printed on stdout in one of the [`Format`]s, or in
//! the tab-separated "plain" form meant for shell pipelines.
//!
//! The table and plain forms pick their columns with [`pick_columns`] unless
//! the user named them. An empty array renders as an empty string in the
//! table, CSV and plain forms: the caller reports "No results" on stderr so
//! that stdout stays clean for pipes.
//!
//! Object keys keep the order of the API response only with serde_json's
//! `preserve_order` feature, which the CLI enables (the tests rely on it).

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Output format of a command, chosen with `--output` / `-o`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Pretty-printed JSON.
    Json,
    /// YAML.
    Yaml,
    /// An aligned, human-readable table.
    Table,
    /// Comma-separated values (RFC 4180 quoting) with a header row.
    Csv,
}

impl Format {
    /// Every format, in the order shown to the user.
    pub const ALL: [Format; 4] = [Format::Json, Format::Yaml, Format::Table, Format::Csv];

    /// The name of the format as accepted by [`Format::from_str`].
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Yaml => "yaml",
            Format::Table => "table",
            Format::Csv => "csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error returned when parsing an unknown [`Format`] name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFormatError {
    /// The text that was not recognised.
    pub input: String,
}

impl fmt::Display for ParseFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown output format `{}`: expected one of ",
            self.input
        )?;
        for (i, format) in Format::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(format.as_str())?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseFormatError {}

impl FromStr for Format {
    type Err = ParseFormatError;

    /// Parses `json`, `yaml`, `table` or `csv` (ASCII case-insensitive,
    /// surrounding whitespace ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Format::ALL
            .iter()
            .copied()
            .find(|format| format.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| ParseFormatError {
                input: s.to_owned(),
            })
    }
}

/// How [`render`] prints a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The output format; ignored when [`Options::plain`] is set.
    pub format: Format,
    /// Columns to show (table, CSV and plain forms), in order. `None` lets
    /// [`pick_columns`] choose. A name that is no key of a row gives an empty
    /// cell; a name with dots (`user.name`) that is no key of its own is
    /// looked up as a path into nested objects.
    pub columns: Option<Vec<String>>,
    /// Whether the table and CSV forms print a header row (`false` for
    /// `--no-header`).
    pub header: bool,
    /// Width of the terminal: table lines are cut to fit it. `None` never
    /// cuts.
    pub truncate_to: Option<usize>,
    /// Tab-separated rows with no header and the `id` column first, for
    /// shell pipelines; overrides [`Options::format`].
    pub plain: bool,
}

impl Options {
    /// Options for `format` with the defaults: chosen columns, a header, no
    /// truncation, not plain.
    pub fn new(format: Format) -> Self {
        Options {
            format,
            columns: None,
            header: true,
            truncate_to: None,
            plain: false,
        }
    }
}

impl Default for Options {
    /// The same as [`Options::new`] with [`Format::Json`].
    fn default() -> Self {
        Options::new(Format::Json)
    }
}

/// The format used when the user chose none: [`Format::Table`] on a
/// terminal, [`Format::Json`] when stdout is piped or redirected.
pub fn default_format(stdout_is_terminal: bool) -> Format {
    if stdout_is_terminal {
        Format::Table
    } else {
        Format::Json
    }
}

/// Keys shown first, in this order, when any row has them.
const PRIORITY_COLUMNS: [&str; 9] = [
    "id",
    "name",
    "title",
    "first_name",
    "last_name",
    "email",
    "role",
    "content",
    "created_at",
];

/// Most columns [`pick_columns`] chooses.
const MAX_COLUMNS: usize = 5;

/// Narrowest a table column is cut to.
const MIN_COLUMN_WIDTH: usize = 3;

/// Spaces between two table columns.
const COLUMN_GAP: usize = 2;

/// Chooses up to 5 useful columns for a list of objects.
///
/// First the keys `id`, `name`, `title`, `first_name`, `last_name`, `email`,
/// `role`, `content`, `created_at` (in that order) that any row has; then the
/// other keys of the first object whose values there are scalars (string,
/// number, boolean or null), in that object's key order. When neither gives
/// a column, the first keys of the first object are used whatever their
/// values. Rows that are not objects are ignored.
pub fn pick_columns(rows: &[Value]) -> Vec<String> {
    let objects: Vec<&Map<String, Value>> = rows.iter().filter_map(Value::as_object).collect();
    let mut columns: Vec<String> = Vec::new();
    for key in PRIORITY_COLUMNS {
        if columns.len() == MAX_COLUMNS {
            return columns;
        }
        if objects.iter().any(|object| object.contains_key(key)) {
            columns.push(key.to_owned());
        }
    }
    let Some(first) = objects.first() else {
        return columns;
    };
    for (key, value) in first.iter() {
        if columns.len() == MAX_COLUMNS {
            break;
        }
        if is_scalar(value) && !columns.iter().any(|column| column == key) {
            columns.push(key.clone());
        }
    }
    if columns.is_empty() {
        columns.extend(first.keys().take(MAX_COLUMNS).cloned());
    }
    columns
}

/// Renders `value` as the text to print on stdout.
///
/// The result ends with a newline unless it is empty; it is empty for an
/// empty array in the table, CSV and plain forms.
pub fn render(value: &Value, opts: &Options) -> String {
    if opts.plain {
        return render_plain(value, opts);
    }
    match opts.format {
        Format::Json => render_json(value),
        Format::Yaml => render_yaml(value),
        Format::Table => render_table(value, opts),
        Format::Csv => render_csv(value, opts),
    }
}

fn render_json(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    text.push('\n');
    text
}

fn render_yaml(value: &Value) -> String {
    match serde_yaml_ng::to_string(value) {
        Ok(mut text) => {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text
        }
        // A JSON value always maps onto YAML; should that ever fail, JSON is
        // still valid YAML.
        Err(_) => render_json(value),
    }
}

// ---------------------------------------------------------------------------
// Shared helpers

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

/// Whether every element of a non-empty array is an object.
fn all_objects(items: &[Value]) -> bool {
    items.iter().all(Value::is_object)
}

/// The columns to show for `rows`: the user's, or [`pick_columns`].
fn columns_for(rows: &[Value], opts: &Options) -> Vec<String> {
    match &opts.columns {
        Some(columns) => columns.clone(),
        None => pick_columns(rows),
    }
}

/// The value of `column` in `row`: the key itself, or else a dotted path
/// into nested objects.
fn lookup<'a>(row: &'a Value, column: &str) -> Option<&'a Value> {
    let object = row.as_object()?;
    if let Some(value) = object.get(column) {
        return Some(value);
    }
    if !column.contains('.') {
        return None;
    }
    let mut current = row;
    for part in column.split('.') {
        current = current.as_object()?.get(part)?;
    }
    Some(current)
}

/// Cell text in the table and plain forms: one line, arrays summarised.
fn display_cell(value: Option<&Value>) -> String {
    let text = match value {
        None | Some(Value::Null) => return String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(items)) => {
            return if items.len() == 1 {
                "[1 item]".to_owned()
            } else {
                format!("[{} items]", items.len())
            };
        }
        Some(other) => other.to_string(),
    };
    one_line(&text)
}

/// Replaces line breaks and tabs with spaces (collapsing `\r\n`).
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(' ');
            }
            '\n' | '\t' => out.push(' '),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text of a value that is printed alone.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn with_newline(mut text: String) -> String {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

// ---------------------------------------------------------------------------
// Table

fn render_table(value: &Value, opts: &Options) -> String {
    match value {
        Value::Array(items) if items.is_empty() => String::new(),
        Value::Array(items) if all_objects(items) => {
            let columns = columns_for(items, opts);
            let header: Vec<String> = columns.iter().map(|c| c.to_uppercase()).collect();
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|item| {
                    columns
                        .iter()
                        .map(|column| display_cell(lookup(item, column)))
                        .collect()
                })
                .collect();
            layout_table(&header, &rows, opts)
        }
        Value::Array(items) => {
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|item| vec![display_cell(Some(item))])
                .collect();
            layout_table(&["VALUE".to_owned()], &rows, opts)
        }
        Value::Object(object) => {
            let keys: Vec<String> = match &opts.columns {
                Some(columns) => columns.clone(),
                None => object.keys().cloned().collect(),
            };
            let rows: Vec<Vec<String>> = keys
                .iter()
                .map(|key| vec![one_line(key), display_cell(lookup(value, key))])
                .collect();
            layout_table(&["KEY".to_owned(), "VALUE".to_owned()], &rows, opts)
        }
        scalar => with_newline(scalar_text(scalar)),
    }
}

/// Lays out an aligned table: columns two spaces apart, no trailing spaces.
fn layout_table(header: &[String], rows: &[Vec<String>], opts: &Options) -> String {
    let count = header.len();
    if count == 0 {
        return String::new();
    }
    let mut widths = vec![0usize; count];
    let all_rows = opts
        .header
        .then_some(header)
        .into_iter()
        .chain(rows.iter().map(Vec::as_slice));
    for row in all_rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.width());
        }
    }
    if let Some(limit) = opts.truncate_to {
        fit_widths(&mut widths, limit);
    }

    let mut out = String::new();
    let mut push_row = |row: &[String]| {
        let mut line = String::new();
        for (i, width) in widths.iter().enumerate() {
            let cell = row.get(i).map(String::as_str).unwrap_or("");
            let (text, used) = cut(cell, *width);
            line.push_str(&text);
            if i + 1 < count {
                line.extend(std::iter::repeat_n(' ', width - used + COLUMN_GAP));
            }
        }
        out.push_str(line.trim_end_matches(' '));
        out.push('\n');
    };
    if opts.header {
        push_row(header);
    }
    for row in rows {
        push_row(row);
    }
    out
}

/// Shrinks the widest columns until the line (with gaps) fits in `limit`,
/// never below [`MIN_COLUMN_WIDTH`] (a column already narrower stays as is).
fn fit_widths(widths: &mut [usize], limit: usize) {
    let gaps = COLUMN_GAP * widths.len().saturating_sub(1);
    let total = |cap: usize, widths: &[usize]| -> usize {
        widths.iter().map(|w| (*w).min(cap)).sum::<usize>() + gaps
    };
    let widest = widths.iter().copied().max().unwrap_or(0);
    if total(widest, widths) <= limit || widest <= MIN_COLUMN_WIDTH {
        return;
    }
    // The largest cap at which everything fits; MIN_COLUMN_WIDTH if none.
    let (mut low, mut high) = (MIN_COLUMN_WIDTH, widest);
    while low < high {
        let mid = low + (high - low).div_ceil(2);
        if total(mid, widths) <= limit {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    let cap = low;
    let mut slack = limit.saturating_sub(total(cap, widths));
    for width in widths.iter_mut() {
        if *width > cap {
            // cap + 1 did not fit for all cut columns, so the slack is
            // smaller than their number: hand it out from the left.
            if slack > 0 {
                *width = cap + 1;
                slack -= 1;
            } else {
                *width = cap;
            }
        }
    }
}

/// Cuts `text` to at most `width` terminal columns, ending a cut text with
/// `…`. Returns the text and its width.
fn cut(text: &str, width: usize) -> (String, usize) {
    let full = text.width();
    if full <= width {
        return (text.to_owned(), full);
    }
    if width == 0 {
        return (String::new(), 0);
    }
    let room = width - 1; // for the ellipsis
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    (out, used + 1)
}

// ---------------------------------------------------------------------------
// CSV

fn render_csv(value: &Value, opts: &Options) -> String {
    let mut out = String::new();
    match value {
        Value::Array(items) if items.is_empty() => {}
        Value::Array(items) if all_objects(items) => {
            let columns = columns_for(items, opts);
            if opts.header {
                push_csv_record(&mut out, columns.iter().map(|c| csv_field(c)));
            }
            for item in items {
                push_csv_record(
                    &mut out,
                    columns
                        .iter()
                        .map(|c| csv_field(&csv_cell(lookup(item, c)))),
                );
            }
        }
        Value::Array(items) => {
            if opts.header {
                push_csv_record(&mut out, std::iter::once("value".to_owned()));
            }
            for item in items {
                push_csv_record(&mut out, std::iter::once(csv_field(&csv_cell(Some(item)))));
            }
        }
        Value::Object(_) => {
            let rows = std::slice::from_ref(value);
            let columns = columns_for(rows, opts);
            if opts.header {
                push_csv_record(&mut out, columns.iter().map(|c| csv_field(c)));
            }
            push_csv_record(
                &mut out,
                columns
                    .iter()
                    .map(|c| csv_field(&csv_cell(lookup(value, c)))),
            );
        }
        scalar => push_csv_record(
            &mut out,
            std::iter::once(csv_field(&csv_cell(Some(scalar)))),
        ),
    }
    out
}

/// Cell text in CSV: strings kept whole (line breaks included), nested
/// values as compact JSON, strings guarded against formula injection.
fn csv_cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => guard_formula(text),
        // Numbers and booleans cannot start a formula (`-5` is only a
        // number), so they are left as they are.
        Some(other) => other.to_string(),
    }
}

/// Prefixes text that a spreadsheet would run as a formula with `'`.
fn guard_formula(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// Quotes a CSV field when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn push_csv_record(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field);
    }
    out.push('\n');
}

// ---------------------------------------------------------------------------
// Plain

fn render_plain(value: &Value, opts: &Options) -> String {
    let mut out = String::new();
    match value {
        Value::Array(items) if items.is_empty() => {}
        Value::Array(items) if all_objects(items) => {
            let columns = plain_columns(items, opts);
            for item in items {
                push_tsv_record(&mut out, item, &columns);
            }
        }
        Value::Array(items) => {
            for item in items {
                out.push_str(&display_cell(Some(item)));
                out.push('\n');
            }
        }
        Value::Object(_) => {
            let columns = plain_columns(std::slice::from_ref(value), opts);
            push_tsv_record(&mut out, value, &columns);
        }
        scalar => out = with_newline(scalar_text(scalar)),
    }
    out
}

/// The columns of the plain form: as in the table, with `id` moved first.
fn plain_columns(rows: &[Value], opts: &Options) -> Vec<String> {
    let mut columns = columns_for(rows, opts);
    if let Some(position) = columns.iter().position(|c| c == "id") {
        let id = columns.remove(position);
        columns.insert(0, id);
    }
    columns
}

fn push_tsv_record(out: &mut String, row: &Value, columns: &[String]) {
    let cells: Vec<String> = columns
        .iter()
        .map(|c| display_cell(lookup(row, c)))
        .collect();
    out.push_str(&cells.join("\t"));
    out.push('\n');
}

// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn users() -> Value {
        json!([
            {
                "id": 12,
                "first_name": "Анна",
                "last_name": "Иванова",
                "nickname": "anna",
                "email": "anna@example.com",
                "role": "admin",
                "suspended": false,
                "list_tags": ["a", "b"],
                "custom_properties": {"k": "v"}
            },
            {
                "id": 13,
                "first_name": "Bob",
                "last_name": null,
                "nickname": "bob",
                "email": "bob@example.com",
                "role": "user",
                "suspended": true,
                "list_tags": [],
                "custom_properties": {}
            }
        ])
    }

    fn opts(format: Format) -> Options {
        Options::new(format)
    }

    #[test]
    fn format_from_str_and_display() {
        for format in Format::ALL {
            assert_eq!(format.to_string().parse::<Format>(), Ok(format));
        }
        assert_eq!(" YAML ".parse::<Format>(), Ok(Format::Yaml));
        let err = "xml".parse::<Format>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown output format `xml`: expected one of json, yaml, table, csv"
        );
    }

    #[test]
    fn default_format_depends_on_terminal() {
        assert_eq!(default_format(true), Format::Table);
        assert_eq!(default_format(false), Format::Json);
    }

    #[test]
    fn json_is_pretty_and_round_trips() {
        let value = users();
        let text = render(&value, &opts(Format::Json));
        assert!(text.ends_with("}\n]\n"));
        assert!(text.contains("\n  {\n    \"id\": 12,"));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
        assert_eq!(render(&json!([]), &opts(Format::Json)), "[]\n");
    }

    #[test]
    fn yaml_round_trips() {
        let value = users();
        let text = render(&value, &opts(Format::Yaml));
        assert!(text.ends_with('\n'));
        assert!(text.starts_with("- id: 12\n"), "{text}");
        let back: Value = serde_yaml_ng::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn table_of_users() {
        let text = render(&users(), &opts(Format::Table));
        let expected = "\
ID  FIRST_NAME  LAST_NAME  EMAIL             ROLE
12  Анна        Иванова    anna@example.com  admin
13  Bob                    bob@example.com   user
";
        assert_eq!(text, expected);
    }

    #[test]
    fn table_without_header() {
        let mut o = opts(Format::Table);
        o.header = false;
        let text = render(&users(), &o);
        assert_eq!(
            text,
            "12  Анна  Иванова  anna@example.com  admin\n13  Bob            bob@example.com   user\n"
        );
    }

    #[test]
    fn table_cells_summarise_nested_values() {
        let mut o = opts(Format::Table);
        o.columns = Some(vec![
            "list_tags".into(),
            "custom_properties".into(),
            "suspended".into(),
        ]);
        let text = render(&users(), &o);
        let expected = "\
LIST_TAGS  CUSTOM_PROPERTIES  SUSPENDED
[2 items]  {\"k\":\"v\"}          false
[0 items]  {}                 true
";
        assert_eq!(text, expected);
    }

    #[test]
    fn table_strings_become_one_line() {
        let value = json!([{"id": 1, "content": "line one\nline two\r\nthree\tfour"}]);
        let text = render(&value, &opts(Format::Table));
        assert_eq!(text, "ID  CONTENT\n1   line one line two three four\n");
    }

    #[test]
    fn table_of_single_object_is_key_value() {
        let value = json!({"id": 7, "name": "general", "members": [1, 2, 3], "meta": null});
        let text = render(&value, &opts(Format::Table));
        let expected = "\
KEY      VALUE
id       7
name     general
members  [3 items]
meta
";
        assert_eq!(text, expected);
    }

    #[test]
    fn table_of_single_object_with_columns() {
        let value = json!({"id": 7, "name": "general", "members": [1, 2, 3]});
        let mut o = opts(Format::Table);
        o.columns = Some(vec!["name".into(), "nope".into()]);
        assert_eq!(render(&value, &o), "KEY   VALUE\nname  general\nnope\n");
    }

    #[test]
    fn table_of_scalars_and_scalar() {
        let text = render(&json!(["a", 2, true, null]), &opts(Format::Table));
        assert_eq!(text, "VALUE\na\n2\ntrue\n\n");
        assert_eq!(render(&json!("hello"), &opts(Format::Table)), "hello\n");
        assert_eq!(render(&json!(42), &opts(Format::Table)), "42\n");
    }

    #[test]
    fn empty_array_renders_nothing() {
        for format in [Format::Table, Format::Csv] {
            assert_eq!(render(&json!([]), &opts(format)), "");
        }
        let mut o = opts(Format::Table);
        o.plain = true;
        assert_eq!(render(&json!([]), &o), "");
    }

    #[test]
    fn column_override_with_unknown_and_dotted_columns() {
        let value = json!([
            {"id": 1, "name": "a", "user": {"name": "Ann"}},
            {"id": 2, "name": "b", "user": {"name": "Bob"}}
        ]);
        let mut o = opts(Format::Table);
        o.columns = Some(vec!["name".into(), "missing".into(), "user.name".into()]);
        let text = render(&value, &o);
        let expected = "\
NAME  MISSING  USER.NAME
a              Ann
b              Bob
";
        assert_eq!(text, expected);
    }

    fn line_widths(text: &str) -> Vec<usize> {
        text.lines().map(UnicodeWidthStr::width).collect()
    }

    #[test]
    fn truncation_fits_lines_and_shrinks_widest_first() {
        let value = json!([
            {"id": 1, "name": "Общий канал для всей команды разработки", "role": "admin"},
            {"id": 2, "name": "short", "role": "user"}
        ]);
        let mut o = opts(Format::Table);
        o.truncate_to = Some(30);
        let text = render(&value, &o);
        for width in line_widths(&text) {
            assert!(width <= 30, "{text}");
        }
        let expected = "\
ID  NAME                 ROLE
1   Общий канал для вс…  admin
2   short                user
";
        assert_eq!(text, expected);
    }

    #[test]
    fn truncation_handles_wide_characters() {
        // Each CJK character takes two terminal columns.
        let value = json!([{"id": 1, "name": "日本語のチャンネル名です"}]);
        let mut o = opts(Format::Table);
        o.truncate_to = Some(14);
        let text = render(&value, &o);
        for width in line_widths(&text) {
            assert!(width <= 14, "{text}");
        }
        assert_eq!(text, "ID  NAME\n1   日本語の…\n");
    }

    #[test]
    fn truncation_never_goes_below_three_columns() {
        let value = json!([{"id": 123456, "name": "abcdefgh", "email": "x@example.com"}]);
        let mut o = opts(Format::Table);
        o.truncate_to = Some(5);
        let text = render(&value, &o);
        assert_eq!(text, "ID   NA…  EM…\n12…  ab…  x@…\n");
    }

    #[test]
    fn truncation_shares_room_between_wide_columns() {
        let mut widths = vec![2, 40, 30, 5];
        fit_widths(&mut widths, 40);
        assert_eq!(widths.iter().sum::<usize>() + 6, 40);
        assert_eq!(widths, vec![2, 14, 13, 5]);
        let mut untouched = vec![2, 4];
        fit_widths(&mut untouched, 80);
        assert_eq!(untouched, vec![2, 4]);
    }

    #[test]
    fn key_value_table_is_truncated() {
        let value = json!({"id": 1, "description": "a very long description indeed"});
        let mut o = opts(Format::Table);
        o.truncate_to = Some(24);
        let text = render(&value, &o);
        assert_eq!(
            text,
            "KEY          VALUE\nid           1\ndescription  a very lon…\n"
        );
    }

    #[test]
    fn csv_of_users() {
        let text = render(&users(), &opts(Format::Csv));
        let expected = "\
id,first_name,last_name,email,role
12,Анна,Иванова,anna@example.com,admin
13,Bob,,bob@example.com,user
";
        assert_eq!(text, expected);
    }

    #[test]
    fn csv_without_header_and_nested_values_as_json() {
        let mut o = opts(Format::Csv);
        o.header = false;
        o.columns = Some(vec![
            "id".into(),
            "list_tags".into(),
            "custom_properties".into(),
        ]);
        let text = render(&users(), &o);
        assert_eq!(
            text,
            "12,\"[\"\"a\"\",\"\"b\"\"]\",\"{\"\"k\"\":\"\"v\"\"}\"\n13,[],{}\n"
        );
    }

    #[test]
    fn csv_quotes_commas_quotes_and_newlines() {
        let value = json!([
            {"id": 1, "content": "a, b"},
            {"id": 2, "content": "say \"hi\""},
            {"id": 3, "content": "line1\nline2"},
            {"id": 4, "content": "cr\rhere"},
            {"id": 5, "content": "plain"}
        ]);
        let text = render(&value, &opts(Format::Csv));
        let expected = "id,content\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"line1\nline2\"\n4,\"cr\rhere\"\n5,plain\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn csv_guards_against_formula_injection() {
        let cases = [
            ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
            ("+1", "'+1"),
            ("-1+2", "'-1+2"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
            ),
            ("a=b", "a=b"),
        ];
        for (input, expected) in cases {
            let value = json!([{"content": input}]);
            let mut o = opts(Format::Csv);
            o.header = false;
            assert_eq!(
                render(&value, &o),
                format!("{expected}\n"),
                "input {input:?}"
            );
        }
        // JSON numbers are data, not formulas.
        let mut o = opts(Format::Csv);
        o.header = false;
        assert_eq!(render(&json!([{"n": -5}]), &o), "-5\n");
    }

    #[test]
    fn csv_of_single_object_scalars_and_scalar() {
        let value = json!({"id": 7, "name": "general", "members": [1, 2]});
        assert_eq!(render(&value, &opts(Format::Csv)), "id,name\n7,general\n");
        assert_eq!(
            render(&json!(["a", 1]), &opts(Format::Csv)),
            "value\na\n1\n"
        );
        assert_eq!(render(&json!("=x"), &opts(Format::Csv)), "'=x\n");
    }

    #[test]
    fn plain_is_tsv_with_id_first() {
        let value = json!([
            {"name": "general", "id": 1, "note": "a\tb\nc"},
            {"name": "random", "id": 2, "note": null}
        ]);
        let mut o = opts(Format::Table);
        o.plain = true;
        assert_eq!(render(&value, &o), "1\tgeneral\ta b c\n2\trandom\t\n");
        o.columns = Some(vec!["name".into(), "id".into()]);
        assert_eq!(render(&value, &o), "1\tgeneral\n2\trandom\n");
        // plain wins over the format and never prints a header.
        o.format = Format::Json;
        o.header = true;
        assert_eq!(render(&value, &o), "1\tgeneral\n2\trandom\n");
    }

    #[test]
    fn plain_of_users_single_object_and_scalars() {
        let mut o = opts(Format::Table);
        o.plain = true;
        assert_eq!(
            render(&users(), &o),
            "12\tАнна\tИванова\tanna@example.com\tadmin\n13\tBob\t\tbob@example.com\tuser\n"
        );
        assert_eq!(render(&json!({"name": "x", "id": 3}), &o), "3\tx\n");
        assert_eq!(render(&json!([1, "b"]), &o), "1\nb\n");
        assert_eq!(render(&json!("s"), &o), "s\n");
    }

    #[test]
    fn pick_columns_priority_order() {
        let rows = vec![
            json!({"zeta": 1, "created_at": "t", "email": "e", "id": 1}),
            json!({"name": "n"}),
        ];
        assert_eq!(
            pick_columns(&rows),
            vec!["id", "name", "email", "created_at", "zeta"]
        );
    }

    #[test]
    fn pick_columns_at_most_five() {
        let rows = vec![json!({
            "content": "c", "role": "r", "email": "e", "last_name": "l",
            "first_name": "f", "title": "t", "name": "n", "id": 1
        })];
        assert_eq!(
            pick_columns(&rows),
            vec!["id", "name", "title", "first_name", "last_name"]
        );
        let many = vec![json!({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7})];
        assert_eq!(pick_columns(&many), vec!["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn pick_columns_skips_nested_values_and_non_objects() {
        let rows = vec![
            json!("not an object"),
            json!({"id": 1, "a_list": [1], "b_obj": {"x": 1}, "c_flag": true, "d_none": null}),
        ];
        assert_eq!(pick_columns(&rows), vec!["id", "c_flag", "d_none"]);
        let nested_only = vec![json!({"a": [1], "b": {"c": 2}})];
        assert_eq!(pick_columns(&nested_only), vec!["a", "b"]);
        assert!(pick_columns(&[]).is_empty());
    }
}
