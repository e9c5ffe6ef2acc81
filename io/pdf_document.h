#pragma once
// Letters (payment reminders, statements) as PDF: a small document model, its plain-text form
// (what a letter's Mustache template produces) and an A4 renderer (Cairo + Pango, Noto Sans CJK
// SC for both Chinese and Latin text).
//
// The plain-text form is a small Markdown subset, read line by line:
//   # Heading             a line starting with "# " is a heading
//   | a | b |             a run of lines starting with '|' is a table; its first row is the
//   |---|--:|             header; an optional second row of dashes sets each column's
//   | x | 1.00 |          alignment (a trailing ':' means right-aligned); cells are trimmed
//   (blank line)          ends a paragraph
//   any other line        joins the lines around it into one paragraph, keeping the line break
// In headings, paragraphs and cells, "**text**" is bold.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace huikuan {

//! A table in a letter: the header row repeats on every page the table spans.
struct PdfTable {
  std::vector<std::string> header = {};
  std::vector<std::vector<std::string>> rows = {};  //!< each as long as `header`
  std::vector<bool> right_aligned = {};             //!< per column (amounts, days); missing = left
};

struct PdfBlock {
  enum class Kind { kHeading, kParagraph, kTable };
  Kind kind = Kind::kParagraph;
  //! Heading or paragraph: UTF-8, may contain "**bold**" spans and '\n' line breaks.
  std::string text = {};
  PdfTable table = {};
};

//! The sender's details printed at the top of every page; empty fields are left out.
struct Letterhead {
  std::string name = {};
  std::string address = {};
  std::string phone = {};
  std::string email = {};
  std::string bank_name = {};
  std::string bank_account = {};
};

struct PdfDocument {
  Letterhead letterhead = {};
  std::string title = {};     //!< PDF metadata title
  std::string language = {};  //!< "zh-CN" or "en": page numbers, letterhead labels, line breaking
  std::vector<PdfBlock> blocks = {};
};

//! Parses a letter's plain-text form (see the top of this file) into blocks. Fails on a table row
//! whose number of cells differs from its header's; the error's `where` is "line N".
Result<std::vector<PdfBlock>> parse_letter_text(std::string_view text);

//! Renders A4 portrait pages with 20 mm margins: the letterhead (and a rule under it) on every
//! page, the blocks flowing down the pages, and "Page X of N" / "第 X 页 / 共 N 页" centered at the
//! foot. Paragraphs wrap and break between lines; tables break between rows, repeating their
//! header row, and wrap long cells inside their column. Returns the PDF's bytes. Deterministic:
//! the same document gives the same bytes with the same Cairo, Pango and fonts (the PDF carries
//! no creation date). Fails on an unsupported language, text that is not UTF-8, a table row not
//! as long as its header, or when Cairo cannot produce the PDF.
Result<std::string> render_pdf(const PdfDocument& document);

}  // namespace huikuan
