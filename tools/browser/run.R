# Browser test of the explorer: starts the app from the installed ckm on
# 127.0.0.1, drives it in headless Chromium (explorer.mjs, playwright-core),
# and checks what the page showed against ckm_converge() and ckm_elbow()
# run here. Screenshots go to check/browser/.
# Usage (from the package root, after R CMD INSTALL): Rscript tools/browser/run.R
# Needs: node, npm install in tools/browser, /usr/bin/chromium (or CHROMIUM=).
library(ckm)
fails <- 0L
check <- function(ok, what) {
  cat(sprintf("%s %s\n", if (isTRUE(ok)) "ok  " else "FAIL", what))
  if (!isTRUE(ok)) fails <<- fails + 1L
}
n <- 300L; k <- 4L; seed <- 11L; init <- "random"
port <- 8000L + sample.int(999L, 1L)
url <- sprintf("http://127.0.0.1:%d", port)
shots <- file.path(getwd(), "check", "browser")
dir.create(shots, recursive = TRUE, showWarnings = FALSE)
app_log <- file.path(shots, "app-log.txt")
app <- sprintf("options(ckm.load_aware = FALSE); shiny::runApp(system.file('explorer', package = 'ckm'), port = %d, host = '127.0.0.1', launch.browser = FALSE)", port)
pid_file <- tempfile()
system2("sh", c("-c", shQuote(sprintf("OMP_THREAD_LIMIT=2 Rscript -e %s > %s 2>&1 & echo $! > %s",
                                        shQuote(app), shQuote(app_log), shQuote(pid_file)))))
pid <- as.integer(readLines(pid_file))
on.exit(tools::pskill(pid), add = TRUE)
up <- FALSE
for (i in 1:120) {
  up <- tryCatch({
    con <- url(url)
    ok <- tryCatch(length(readLines(con, 1L, warn = FALSE)) > 0L, finally = close(con))
    ok
  }, error = function(e) FALSE, warning = function(w) FALSE)
  if (up) break
  Sys.sleep(0.5)
}
check(up, sprintf("the app answers at %s", url))
if (!up) { cat(readLines(app_log), sep = "\n"); quit(status = 1) }

node_out <- system2("timeout", c("240", "node", "tools/browser/explorer.mjs", url, shQuote(shots), n, k, seed, init),
                    stdout = TRUE, stderr = TRUE)
writeLines(node_out, file.path(shots, "browser-log.txt"))
field <- function(key) strsplit(grep(paste0("^", key, " "), node_out, value = TRUE), " ")
errs <- grep("^(error|pageerror) ", node_out, value = TRUE)
check(length(errs) == 0L, paste("no browser or page error", paste(errs, collapse = "; ")))
check(any(node_out == "done"), "the browser script ran to the end")

# the first screen: the default fit finds the three blobs; its link shows
# the same blobs from a random start stuck in a local minimum, and says so
first <- paste(field("first_note")[[1]][-1], collapse = " ")
check(grepl("Each centre found its own cluster", first, fixed = TRUE),
      sprintf("the first screen ends on a good fit: %s", first))
failure <- paste(field("failure_note")[[1]][-1], collapse = " ")
check(grepl("A local minimum", failure, fixed = TRUE),
      sprintf("the failure link shows and explains a local minimum: %s", failure))

# the reference, by the recipe the app documents
set.seed(seed)
d <- ckm_blobs(n, centers = 3, sd = 1)
ref <- ckm_converge(d$X, k, init = init, iterations = 30L)
shown_iter <- as.integer(field("iterations")[[1]][2])
check(identical(shown_iter, length(ref$fits)), sprintf("iterations shown %s, ckm_converge() %d", shown_iter, length(ref$fits)))
steps <- field("inertia")
shown <- vapply(steps, `[`, "", 3)
expected <- sprintf("%.17g", ref$trace)
check(length(shown) == length(expected) && all(shown == expected),
      sprintf("inertia after each of %d steps equals ckm_converge()'s, digit for digit", length(expected)))
for (t in seq_along(shown)) cat(sprintf("      step %2d: page %s, R %s\n", t, shown[t], expected[t]))
check(identical(field("converged")[[1]][2], tolower(isTRUE(ref$fits[[length(ref$fits)]]$converged))),
      "the last step reads converged as ckm_converge() does")
check(identical(as.integer(field("back")[[1]][2]), length(ref$fits) - 1L), "Back goes one step back")

set.seed(seed)
m <- ckm_moons(n, noise = 0.06)
ref_m <- ckm_converge(m$X, 2, init = init, iterations = 30L)
moon <- field("moons")[[1]]
check(identical(moon[3], sprintf("%.17g", ref_m$trace[length(ref_m$trace)])),
      sprintf("moons animated to the end: inertia %s, ckm_converge() %.17g", moon[3], ref_m$trace[length(ref_m$trace)]))
ari <- ckm_ari(ref_m$fits[[length(ref_m$fits)]]$cluster, m$y)
check(grepl(sprintf("ARI against the truth %.3f", ari), paste(moon, collapse = " "), fixed = TRUE),
      sprintf("the page shows the moons' ARI, %.3f", ari))

set.seed(seed)
el <- ckm_elbow(d$X, k = 1:10, n_init = 3)
knee <- field("knee")[[1]]
check(identical(as.integer(knee[2]), attr(el, "k_knee")) && identical(as.integer(knee[3]), attr(el, "k_silhouette")),
      sprintf("elbow tab: knee %s and silhouette %s, ckm_elbow() %d and %d", knee[2], knee[3],
              attr(el, "k_knee"), attr(el, "k_silhouette")))
grid_rows <- nrow(utils::read.csv(system.file("explorer", "bench", "grid.csv", package = "ckm")))
check(identical(as.integer(field("bench_rows")[[1]][2]), grid_rows), sprintf("benchmark tab shows the %d rows of grid.csv", grid_rows))
check(identical(as.integer(field("bench_run_cells")[[1]][2]), 4L * 8L), "a benchmark run here fills its table (4 methods x 8 columns)")
png_files <- list.files(shots, "\\.png$", full.names = TRUE)
check(length(png_files) >= 9L && all(file.size(png_files) > 10000),
      sprintf("%d screenshots saved in %s", length(png_files), shots))
cat(sprintf("%s\n", if (fails == 0L) "browser test: all checks passed" else sprintf("browser test: %d checks FAILED", fails)))
quit(status = if (fails == 0L) 0L else 1L)
