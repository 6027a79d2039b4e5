// The report page: the template of assets/report/ with its script, style sheet and data put inline.
#include <string>
#include <string_view>

#include "neuroevo/report/report.hpp"

namespace neuroevo::report {

namespace assets {
// Defined in the generated report_assets.cpp (cmake/embed_assets.cmake).
extern const std::string_view html, js, css;
}  // namespace assets

namespace {

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

void replace_once(std::string& s, std::string_view what, std::string_view with) {
  const size_t at = s.find(what);
  if (at != std::string::npos) s.replace(at, what.size(), with);
}

}  // namespace

std::string render_page(const nlohmann::json& data, const std::string& title, bool live) {
  // Inside <script> the only dangerous sequence is "</": JSON allows "\/" for "/" in strings.
  std::string json_text = data.is_null() ? std::string("null") : data.dump();
  for (size_t at = json_text.find("</"); at != std::string::npos; at = json_text.find("</", at + 3))
    json_text.replace(at, 2, "<\\/");
  std::string page(assets::html);
  // The template's own placeholders first; then the script and style; the data, which may contain
  // anything, last.
  const std::string t = html_escape(title);
  for (size_t at = page.find("NEUROEVO_TITLE"); at != std::string::npos; at = page.find("NEUROEVO_TITLE", at + t.size()))
    page.replace(at, 14, t);
  replace_once(page, "NEUROEVO_MODE", live ? "live" : "static");
  replace_once(page, "/*NEUROEVO_CSS*/", assets::css);
  replace_once(page, "/*NEUROEVO_JS*/", assets::js);
  replace_once(page, "/*NEUROEVO_DATA*/", json_text);
  return page;
}

}  // namespace neuroevo::report
