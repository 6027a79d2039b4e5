// `neuroevo serve DIR [--port 8080] [--host 127.0.0.1]`: a live, read-only dashboard over a directory of
// runs, on Debian's cpp-httplib. The page is the report's, in live mode: it polls /api/fingerprint every
// second and fetches /api/data when a file changed. /files/PATH serves files under DIR and nothing else.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <filesystem>
#include <mutex>
#include <thread>

#include <httplib.h>

#include "commands.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/report/report.hpp"

namespace neuroevo::cli {

namespace {

namespace fs = std::filesystem;

struct ServeOptions {
  std::string dir;
  int port = 8080;
  std::string host = "127.0.0.1";
};

// The data document, recomputed only when a file under DIR changed (several tabs share one computation).
class DataCache {
 public:
  explicit DataCache(std::string dir) : dir_(std::move(dir)) {}

  std::string fingerprint() const {
    try {
      return report::fingerprint(report::discover({dir_}));
    } catch (const UsageError&) {
      return "empty";  // no run yet: the dashboard waits for one
    }
  }

  std::string data() {
    const std::string f = fingerprint();
    std::lock_guard lock(mutex_);
    if (f != fingerprint_ || text_.empty()) {
      nlohmann::json d;
      try {
        d = report::collect(report::discover({dir_}));
      } catch (const UsageError&) {
        d = report::collect({});
      }
      text_ = d.dump();
      fingerprint_ = f;
    }
    return text_;
  }

 private:
  std::string dir_;
  std::mutex mutex_;
  std::string fingerprint_, text_;
};

const char* content_type(const fs::path& p) {
  const std::string e = p.extension().string();
  if (e == ".svg") return "image/svg+xml";
  if (e == ".png") return "image/png";
  if (e == ".json") return "application/json";
  return "text/plain; charset=utf-8";  // csv, jsonl, toml, logs; html from a run directory is shown, not run
}

int run_serve(const ServeOptions& o) {
  std::error_code ec;
  if (!fs::is_directory(o.dir, ec)) throw UsageError("serve: DIR '" + o.dir + "' is not a directory");
  if (o.port < 0 || o.port > 65535) throw UsageError("serve --port: " + std::to_string(o.port) + " is not in [0, 65535]");
  const fs::path root = fs::canonical(o.dir);
  DataCache cache(root.string());
  const std::string page = report::render_page(nullptr, "neuroevo serve: " + root.filename().string(), true);

  httplib::Server server;
  server.Get("/", [&](const httplib::Request&, httplib::Response& res) { res.set_content(page, "text/html; charset=utf-8"); });
  // Browsers ask for an icon; answer with nothing rather than a 404 in their console.
  server.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  server.Get("/api/fingerprint", [&](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_content(cache.fingerprint(), "text/plain");
  });
  server.Get("/api/data", [&](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_content(cache.data(), "application/json");
  });
  server.Get(R"(/files/(.*))", [&](const httplib::Request& req, httplib::Response& res) {
    const fs::path p = report::resolve_inside(root, req.matches[1].str());
    std::error_code fec;
    if (p.empty()) {
      res.status = 403;
      res.set_content("forbidden: only files under the served directory\n", "text/plain");
    } else if (!fs::is_regular_file(p, fec)) {
      res.status = 404;
      res.set_content("not found\n", "text/plain");
    } else {
      std::ifstream in(p, std::ios::binary);
      std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      res.set_content(body, content_type(p));
    }
  });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) res.set_content(std::to_string(res.status) + "\n", "text/plain");
  });

  // Ctrl-C and SIGTERM: blocked in every thread and taken by one waiting thread, which stops the server
  // (no signal handler, so nothing runs in signal context).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  int port = o.port;
  if (port == 0) {
    port = server.bind_to_any_port(o.host);
    if (port < 0) throw std::runtime_error("serve: cannot listen on " + o.host);
  } else if (!server.bind_to_port(o.host, port)) {
    throw std::runtime_error("serve: cannot listen on " + o.host + ":" + std::to_string(port) +
                             " (in use, or --host is not an address of this machine)");
  }
  std::printf("serving %s at http://%s:%d/ (read-only; Ctrl-C stops)\n", root.c_str(), o.host.c_str(), port);
  std::fflush(stdout);
  std::atomic<bool> signalled{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    signalled = true;
    server.stop();
  });
  const bool ok = server.listen_after_bind();
  // listen failed without a signal: wake the waiter (the signal stays blocked, so sigwait takes it).
  if (!signalled) pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  if (!ok && !signalled) throw std::runtime_error("serve: the server stopped with an error");
  std::printf("serve: stopped\n");
  return 0;
}

}  // namespace

Command add_serve(CLI::App& app) {
  auto* cmd = app.add_subcommand("serve", "Live read-only dashboard over a directory of runs (HTTP)");
  auto o = std::make_shared<ServeOptions>();
  cmd->add_option("dir", o->dir, "the directory of runs to show")->required();
  cmd->add_option("--port", o->port, "TCP port (default 8080; 0 picks a free one)");
  cmd->add_option("--host", o->host, "address to bind (default 127.0.0.1: this machine only)");
  return {cmd, [o] { return run_serve(*o); }};
}

}  // namespace neuroevo::cli
