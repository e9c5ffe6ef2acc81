#include "io/pdf_document.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

namespace huikuan {
namespace {

// Plain-text form.

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

// "| a | b |" -> {"a", "b"}; the closing '|' is optional.
std::vector<std::string> table_cells(std::string_view line) {
  line = trim(line);
  line.remove_prefix(1);
  if (line.ends_with('|')) line.remove_suffix(1);
  std::vector<std::string> cells;
  for (size_t start = 0;;) {
    const size_t bar = line.find('|', start);
    cells.emplace_back(trim(line.substr(start, bar - start)));
    if (bar == std::string_view::npos) return cells;
    start = bar + 1;
  }
}

// A cell of an alignment row: dashes with an optional ':' at either end, like "---" or "--:".
bool is_alignment_cell(std::string_view cell) {
  if (cell.starts_with(':')) cell.remove_prefix(1);
  if (cell.ends_with(':')) cell.remove_suffix(1);
  return !cell.empty() && cell.find_first_not_of('-') == std::string_view::npos;
}

Error error_at_line(size_t line, std::string message) {
  return Error{std::move(message), {}, "line " + std::to_string(line)};
}

// Page geometry, in PDF points (1/72 inch).

constexpr double kPointsPerMm = 72 / 25.4;
constexpr double kPageWidth = 210 * kPointsPerMm;  // A4
constexpr double kPageHeight = 297 * kPointsPerMm;
constexpr double kMargin = 20 * kPointsPerMm;
constexpr double kTextWidth = kPageWidth - 2 * kMargin;
constexpr double kCellPadX = 5;
constexpr double kCellPadY = 3.5;
constexpr double kBlockGap = 10;  // after each paragraph and table
// Times the font's own line height, which for Noto Sans CJK is already about 1.45 em.
constexpr float kParagraphLineSpacing = 1.15f;
// Room for about two body lines under a heading, else the heading starts the next page.
constexpr double kKeepWithHeading = 36;

constexpr const char* kFontFamily = "Noto Sans CJK SC";
constexpr double kBodySize = 10.5;
constexpr double kHeadingSize = 13;
constexpr double kTableSize = 9.5;
constexpr double kSmallSize = 8.5;  // letterhead details, footer
constexpr double kGray = 0.35;      // letterhead details and footer text

// Owning handles for GLib and Cairo objects.

struct GObjectUnref {
  void operator()(void* object) const { g_object_unref(object); }
};
template <class T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct CairoSurfaceDestroy {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct CairoDestroy {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};

// Plain UTF-8 as Pango markup: XML-escaped, with "**" pairs turned into <b></b>; an unpaired
// "**" stays as written.
std::string to_markup(std::string_view text) {
  gchar* escaped = g_markup_escape_text(text.data(), static_cast<gssize>(text.size()));
  const std::string plain(escaped);
  g_free(escaped);
  size_t stars = 0;
  for (size_t at = plain.find("**"); at != std::string::npos; at = plain.find("**", at + 2)) {
    ++stars;
  }
  std::string markup;
  size_t pos = 0;
  for (size_t i = 0; i < stars - stars % 2; ++i) {
    const size_t at = plain.find("**", pos);
    markup.append(plain, pos, at - pos).append(i % 2 == 0 ? "<b>" : "</b>");
    pos = at + 2;
  }
  return markup.append(plain, pos);
}

struct TextStyle {
  double size = kBodySize;
  bool bold = false;
  double width = kTextWidth;  // wrap width; <= 0 means no wrapping
  PangoAlignment alignment = PANGO_ALIGN_LEFT;
  float line_spacing = 0;  // factor of the font height; 0 = the font's own
};

// One line of a layout, in points relative to the layout's top-left corner.
struct LineBox {
  double x = 0;
  double top = 0;
  double bottom = 0;
  double baseline = 0;
};

std::vector<LineBox> line_boxes(PangoLayout* layout) {
  std::vector<LineBox> boxes;
  PangoLayoutIter* iter = pango_layout_get_iter(layout);
  do {
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(iter, nullptr, &logical);
    boxes.push_back({pango_units_to_double(logical.x), pango_units_to_double(logical.y),
                     pango_units_to_double(logical.y + logical.height),
                     pango_units_to_double(pango_layout_iter_get_baseline(iter))});
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
  return boxes;
}

double natural_width(PangoLayout* layout) {
  PangoRectangle logical;
  pango_layout_get_extents(layout, nullptr, &logical);
  return pango_units_to_double(logical.width);
}

// Lines [first, end) of `layout`, drawn with line `first`'s top at y.
struct TextPiece {
  PangoLayout* layout = nullptr;
  int first = 0;
  int end = 0;
  double x = 0;
  double y = 0;
  double gray = 0;
};
struct Rule {
  double x0, x1, y, thickness, gray;
};
struct Band {
  double x, y, width, height, gray;
};
struct Page {
  std::vector<Band> bands;
  std::vector<Rule> rules;
  std::vector<TextPiece> texts;
};

struct Wording {
  std::string_view phone, email, bank, account;
  std::string_view page, of, pages_end;  // page + X + of + N + pages_end
};
constexpr Wording kChinese{"电话：", "邮箱：", "开户银行：", "账号：", "第 ", " 页 / 共 ", " 页"};
constexpr Wording kEnglish{"Tel: ", "Email: ", "Bank: ", "Account: ", "Page ", " of ", ""};

// Lays a document out on pages (measuring everything first, since each page's footer needs the
// page count), then draws the pages. Owns every layout it makes.
class LetterComposer {
 public:
  LetterComposer(PangoContext* context, const Wording& wording)
      : context_(context), wording_(wording) {}

  void compose(const PdfDocument& document) {
    const double letterhead_bottom = compose_letterhead(document.letterhead);
    body_top_ = letterhead_bottom + 16;
    PangoLayout* footer = make_layout(page_number(99, 99), {.size = kSmallSize});
    body_bottom_ = kPageHeight - kMargin - line_boxes(footer).back().bottom - 12;
    new_page();
    for (const PdfBlock& block : document.blocks) {
      switch (block.kind) {
        case PdfBlock::Kind::kHeading:
          add_heading(block.text);
          break;
        case PdfBlock::Kind::kParagraph:
          add_paragraph(block.text);
          break;
        case PdfBlock::Kind::kTable:
          add_table(block.table);
          break;
      }
    }
  }

  void draw(cairo_t* cr) {
    const int count = static_cast<int>(pages_.size());
    for (int number = 1; number <= count; ++number) {
      draw_page(cr, letterhead_);
      draw_page(cr, pages_[number - 1]);
      PangoLayout* footer = make_layout(page_number(number, count),
                                        {.size = kSmallSize, .alignment = PANGO_ALIGN_CENTER});
      const double footer_top = kPageHeight - kMargin - line_boxes(footer).back().bottom;
      draw_text(cr, {footer, 0, pango_layout_get_line_count(footer), kMargin, footer_top, kGray});
      cairo_show_page(cr);
    }
  }

 private:
  PangoLayout* make_layout(const std::string& text, const TextStyle& style) {
    PangoLayout* layout = pango_layout_new(context_);
    layouts_.emplace_back(layout);
    PangoFontDescription* font = pango_font_description_new();
    pango_font_description_set_family_static(font, kFontFamily);
    pango_font_description_set_size(font, static_cast<gint>(style.size * PANGO_SCALE));
    if (style.bold) pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    if (style.width > 0) pango_layout_set_width(layout, pango_units_from_double(style.width));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, style.alignment);
    pango_layout_set_line_spacing(layout, style.line_spacing);
    pango_layout_set_markup(layout, to_markup(text).c_str(), -1);
    return layout;
  }

  std::string page_number(int number, int count) const {
    return std::string(wording_.page) + std::to_string(number) + std::string(wording_.of) +
           std::to_string(count) + std::string(wording_.pages_end);
  }

  // Fills letterhead_ (drawn on every page) and returns the y of the rule under it.
  double compose_letterhead(const Letterhead& head) {
    double y = kMargin;
    auto add_line = [&](const std::string& text, const TextStyle& style, double gray) {
      PangoLayout* layout = make_layout(text, style);
      const auto boxes = line_boxes(layout);
      letterhead_.texts.push_back({layout, 0, static_cast<int>(boxes.size()), kMargin, y, gray});
      y += boxes.back().bottom;
    };
    // "Tel: 123    Email: a@b.cn", leaving out empty values.
    auto joined = [](std::string_view label1, const std::string& value1, std::string_view label2,
                     const std::string& value2) {
      std::string line;
      if (!value1.empty()) line.append(label1).append(value1);
      if (!value1.empty() && !value2.empty()) line += "    ";
      if (!value2.empty()) line.append(label2).append(value2);
      return line;
    };
    if (!head.name.empty()) add_line(head.name, {.size = 16, .bold = true}, 0);
    y += 2;
    const TextStyle details{.size = kSmallSize};
    if (!head.address.empty()) add_line(head.address, details, kGray);
    for (const std::string& line :
         {joined(wording_.phone, head.phone, wording_.email, head.email),
          joined(wording_.bank, head.bank_name, wording_.account, head.bank_account)}) {
      if (!line.empty()) add_line(line, details, kGray);
    }
    y += 6;
    letterhead_.rules.push_back({kMargin, kMargin + kTextWidth, y, 0.8, 0});
    return y;
  }

  void new_page() {
    pages_.emplace_back();
    y_ = body_top_;
  }
  bool at_page_top() const { return y_ == body_top_; }
  double space_left() const { return body_bottom_ - y_; }

  void add_heading(const std::string& text) {
    PangoLayout* layout = make_layout(text, {.size = kHeadingSize, .bold = true});
    const auto boxes = line_boxes(layout);
    const double space_before = at_page_top() ? 0 : 6;
    const double height = boxes.back().bottom;
    if (!at_page_top() && space_before + height + kKeepWithHeading > space_left()) new_page();
    if (!at_page_top()) y_ += space_before;
    pages_.back().texts.push_back({layout, 0, static_cast<int>(boxes.size()), kMargin, y_});
    y_ += height + 6;
  }

  void add_paragraph(const std::string& text) {
    PangoLayout* layout = make_layout(text, {.line_spacing = kParagraphLineSpacing});
    const auto boxes = line_boxes(layout);
    const int count = static_cast<int>(boxes.size());
    for (int first = 0; first < count;) {
      int end = first;
      while (end < count && boxes[end].bottom - boxes[first].top <= space_left()) ++end;
      if (end == first) {
        if (!at_page_top()) {
          new_page();
          continue;
        }
        end = first + 1;  // a line taller than the page: place it anyway
      }
      pages_.back().texts.push_back({layout, first, end, kMargin, y_});
      y_ += boxes[end - 1].bottom - boxes[first].top;
      first = end;
      if (first < count) new_page();
    }
    y_ += kBlockGap;
  }

  struct Row {
    std::vector<PangoLayout*> cells;
    double height = 0;
  };

  Row make_row(const std::vector<std::string>& texts, const std::vector<double>& widths,
               const std::vector<bool>& right_aligned, bool bold) {
    Row row;
    for (size_t column = 0; column < texts.size(); ++column) {
      const bool right = column < right_aligned.size() && right_aligned[column];
      PangoLayout* cell =
          make_layout(texts[column], {.size = kTableSize,
                                      .bold = bold,
                                      .width = widths[column] - 2 * kCellPadX,
                                      .alignment = right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT});
      row.cells.push_back(cell);
      row.height = std::max(row.height, line_boxes(cell).back().bottom + 2 * kCellPadY);
    }
    return row;
  }

  // Column widths filling the text width. Columns whose longest cell fits in an equal share keep
  // that width; the rest share what is left in proportion to their longest cells, so narrow
  // columns (dates, amounts) never wrap because of a wide one (descriptions).
  std::vector<double> column_widths(const PdfTable& table) {
    const size_t columns = table.header.size();
    std::vector<double> wanted(columns, 0);
    for (size_t column = 0; column < columns; ++column) {
      auto measure = [&](const std::string& text, bool bold) {
        PangoLayout* layout = make_layout(text, {.size = kTableSize, .bold = bold, .width = 0});
        // One point of slack so that rounding to Pango units never wraps the longest cell.
        wanted[column] = std::max(wanted[column], natural_width(layout) + 2 * kCellPadX + 1);
      };
      measure(table.header[column], true);
      for (const auto& row : table.rows) measure(row[column], false);
    }
    std::vector<bool> fixed(columns, false);
    double free_width = kTextWidth;
    for (bool changed = true; changed;) {
      changed = false;
      const auto flexible = static_cast<double>(std::count(fixed.begin(), fixed.end(), false));
      for (size_t column = 0; column < columns; ++column) {
        if (!fixed[column] && wanted[column] <= free_width / flexible) {
          fixed[column] = true;
          free_width -= wanted[column];
          changed = true;
          break;
        }
      }
    }
    double flexible_wanted = 0;
    for (size_t column = 0; column < columns; ++column) {
      if (!fixed[column]) flexible_wanted += wanted[column];
    }
    // When everything fits, widen all columns alike so the table spans the text width.
    const double fixed_total = kTextWidth - free_width;
    std::vector<double> widths(columns);
    for (size_t column = 0; column < columns; ++column) {
      widths[column] =
          flexible_wanted > 0
              ? (fixed[column] ? wanted[column] : free_width * wanted[column] / flexible_wanted)
              : kTextWidth * wanted[column] / fixed_total;
    }
    return widths;
  }

  void place_row(const Row& row, const std::vector<double>& widths, bool header) {
    Page& page = pages_.back();
    if (header) page.bands.push_back({kMargin, y_, kTextWidth, row.height, 0.93});
    double x = kMargin;
    for (size_t column = 0; column < row.cells.size(); ++column) {
      PangoLayout* cell = row.cells[column];
      page.texts.push_back(
          {cell, 0, pango_layout_get_line_count(cell), x + kCellPadX, y_ + kCellPadY});
      x += widths[column];
    }
    y_ += row.height;
    page.rules.push_back(
        {kMargin, kMargin + kTextWidth, y_, header ? 0.8 : 0.4, header ? 0.3 : 0.8});
  }

  void add_table(const PdfTable& table) {
    const std::vector<double> widths = column_widths(table);
    const Row header = make_row(table.header, widths, table.right_aligned, true);
    std::vector<Row> rows;
    for (const auto& cells : table.rows) {
      rows.push_back(make_row(cells, widths, table.right_aligned, false));
    }
    const double first_height = header.height + (rows.empty() ? 0 : rows[0].height);
    if (!at_page_top() && first_height > space_left()) new_page();
    place_row(header, widths, true);
    int rows_on_page = 0;
    for (const Row& row : rows) {
      if (row.height > space_left() && rows_on_page > 0) {
        new_page();
        place_row(header, widths, true);
        rows_on_page = 0;
      }
      place_row(row, widths, false);
      ++rows_on_page;
    }
    y_ += kBlockGap;
  }

  void draw_page(cairo_t* cr, const Page& page) {
    for (const Band& band : page.bands) {
      cairo_set_source_rgb(cr, band.gray, band.gray, band.gray);
      cairo_rectangle(cr, band.x, band.y, band.width, band.height);
      cairo_fill(cr);
    }
    for (const Rule& rule : page.rules) {
      cairo_set_source_rgb(cr, rule.gray, rule.gray, rule.gray);
      cairo_set_line_width(cr, rule.thickness);
      cairo_move_to(cr, rule.x0, rule.y);
      cairo_line_to(cr, rule.x1, rule.y);
      cairo_stroke(cr);
    }
    for (const TextPiece& piece : page.texts) draw_text(cr, piece);
  }

  static void draw_text(cairo_t* cr, const TextPiece& piece) {
    const auto boxes = line_boxes(piece.layout);
    cairo_set_source_rgb(cr, piece.gray, piece.gray, piece.gray);
    for (int line = piece.first; line < piece.end; ++line) {
      cairo_move_to(cr, piece.x + boxes[line].x,
                    piece.y + boxes[line].baseline - boxes[piece.first].top);
      pango_cairo_show_layout_line(cr, pango_layout_get_line_readonly(piece.layout, line));
    }
  }

  PangoContext* context_;
  const Wording& wording_;
  std::vector<GObjectPtr<PangoLayout>> layouts_;
  Page letterhead_;
  std::vector<Page> pages_;
  double body_top_ = 0;
  double body_bottom_ = 0;
  double y_ = 0;  // where the next block starts on the last page
};

// Checks what Cairo and Pango need but do not report: valid UTF-8 and rectangular tables.
Result<void> check_document(const PdfDocument& document) {
  auto utf8 = [](const std::string& text) {
    return g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr);
  };
  const Letterhead& head = document.letterhead;
  for (const std::string* text :
       {&head.name, &head.address, &head.phone, &head.email, &head.bank_name, &head.bank_account}) {
    if (!utf8(*text)) return fail("text is not valid UTF-8", "letterhead");
  }
  if (!utf8(document.title)) return fail("text is not valid UTF-8", "title");
  for (size_t i = 0; i < document.blocks.size(); ++i) {
    const PdfBlock& block = document.blocks[i];
    const std::string where = "block " + std::to_string(i + 1);
    if (block.kind != PdfBlock::Kind::kTable) {
      if (!utf8(block.text)) return fail("text is not valid UTF-8", where);
      continue;
    }
    const PdfTable& table = block.table;
    if (table.header.empty()) return fail("a table needs at least one column", where);
    for (const auto& cell : table.header) {
      if (!utf8(cell)) return fail("text is not valid UTF-8", where);
    }
    for (size_t r = 0; r < table.rows.size(); ++r) {
      if (table.rows[r].size() != table.header.size()) {
        return fail("row " + std::to_string(r + 1) + " has " +
                        std::to_string(table.rows[r].size()) + " cells; the header has " +
                        std::to_string(table.header.size()),
                    where);
      }
      for (const auto& cell : table.rows[r]) {
        if (!utf8(cell)) return fail("text is not valid UTF-8", where);
      }
    }
  }
  return {};
}

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<std::vector<PdfBlock>> parse_letter_text(std::string_view text) {
  std::vector<PdfBlock> blocks;
  PdfBlock* paragraph = nullptr;  // the paragraph being extended, if any
  PdfTable* table = nullptr;      // the table being extended, if any
  size_t table_line = 0;          // its line count so far
  size_t number = 0;
  for (size_t start = 0; start <= text.size(); ++number) {
    const size_t newline = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, newline - start);
    start = newline + 1;
    if (line.ends_with('\r')) line.remove_suffix(1);
    const size_t line_number = number + 1;

    if (trim(line).starts_with('|')) {
      paragraph = nullptr;
      std::vector<std::string> cells = table_cells(line);
      if (table == nullptr) {
        table = &blocks.emplace_back(PdfBlock{.kind = PdfBlock::Kind::kTable}).table;
        table->header = std::move(cells);
        table_line = 1;
        continue;
      }
      if (cells.size() != table->header.size()) {
        return tl::unexpected(error_at_line(
            line_number, "table row has " + std::to_string(cells.size()) +
                             " cells; its header has " + std::to_string(table->header.size())));
      }
      if (++table_line == 2 && std::all_of(cells.begin(), cells.end(), is_alignment_cell)) {
        for (const auto& cell : cells) table->right_aligned.push_back(cell.ends_with(':'));
        continue;
      }
      table->rows.push_back(std::move(cells));
      continue;
    }
    table = nullptr;
    if (trim(line).empty()) {
      paragraph = nullptr;
    } else if (line.starts_with("# ")) {
      paragraph = nullptr;
      blocks.push_back(
          {.kind = PdfBlock::Kind::kHeading, .text = std::string(trim(line.substr(2)))});
    } else if (paragraph != nullptr) {
      paragraph->text.append("\n").append(line);
    } else {
      paragraph = &blocks.emplace_back(PdfBlock{.text = std::string(line)});
    }
  }
  return blocks;
}

Result<std::string> render_pdf(const PdfDocument& document) {
  const Wording* wording = nullptr;
  if (document.language == "zh-CN") {
    wording = &kChinese;
  } else if (document.language == "en") {
    wording = &kEnglish;
  } else {
    return fail("unsupported language \"" + document.language + "\"; expected zh-CN or en",
                "language");
  }
  if (auto checked = check_document(document); !checked) return tl::unexpected(checked.error());

  std::string pdf;
  const std::unique_ptr<cairo_surface_t, CairoSurfaceDestroy> surface(
      cairo_pdf_surface_create_for_stream(append_to_string, &pdf, kPageWidth, kPageHeight));
  // Cairo stamps the current time as the creation date unless told otherwise; an empty value
  // leaves it out, so the bytes depend on the document only.
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, "");
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_MOD_DATE, "");
  if (!document.title.empty()) {
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, document.title.c_str());
  }
  const std::unique_ptr<cairo_t, CairoDestroy> cr(cairo_create(surface.get()));

  // A private font map at 72 dpi (Pango's default is 96), so one Pango point is one PDF point;
  // unhinted metrics keep glyph positions independent of any screen.
  const GObjectPtr<PangoFontMap> font_map(pango_cairo_font_map_new());
  pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(font_map.get()), 72);
  const GObjectPtr<PangoContext> context(pango_font_map_create_context(font_map.get()));
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(context.get(), options);
  cairo_font_options_destroy(options);
  pango_context_set_language(context.get(), pango_language_from_string(document.language.c_str()));
  pango_cairo_update_context(cr.get(), context.get());

  LetterComposer composer(context.get(), *wording);
  composer.compose(document);
  composer.draw(cr.get());

  cairo_surface_finish(surface.get());
  if (const cairo_status_t status = cairo_surface_status(surface.get());
      status != CAIRO_STATUS_SUCCESS) {
    return fail(std::string("cannot produce the PDF: ") + cairo_status_to_string(status));
  }
  return pdf;
}

}  // namespace huikuan
