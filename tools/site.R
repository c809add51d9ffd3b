# The documentation site: pkgdown (reference, articles from the vignettes,
# news) built into check/site from the installed package, then every link
# between its own pages checked: each relative href/src of every page must
# name a file of the site. Usage: Rscript tools/site.R (from the package
# root; `make site`). pkgdown comes from Debian (r-cran-pkgdown) when we
# are root, else from CRAN.
if (!requireNamespace("pkgdown", quietly = TRUE)) {
  if (nzchar(Sys.which("apt-get")) && identical(unname(Sys.info()[["effective_user"]]), "root")) {
    system2("apt-get", c("install", "-y", "-qq", "--no-install-recommends", "r-cran-pkgdown"),
            stdout = FALSE, env = "DEBIAN_FRONTEND=noninteractive")
  }
  if (!requireNamespace("pkgdown", quietly = TRUE)) {
    install.packages("pkgdown", repos = c(CRAN = "https://cloud.r-project.org"))
  }
}
if (!nzchar(Sys.getenv("TZ"))) Sys.setenv(TZ = "UTC")
options(ckm.threads = 2L, pkgdown.internet = FALSE) # no CRAN/Bioconductor lookups
dest <- file.path("check", "site")
unlink(dest, recursive = TRUE)
t0 <- proc.time()[["elapsed"]]
pkgdown::build_site(".", override = list(destination = dest), install = FALSE,
                    new_process = FALSE, preview = FALSE)
cat(sprintf("site built in %.0f s\n", proc.time()[["elapsed"]] - t0))

pages <- list.files(dest, "\\.html$", recursive = TRUE, full.names = TRUE)
broken <- character()
checked <- 0L
for (page in pages) {
  html <- paste(readLines(page, warn = FALSE), collapse = "\n")
  refs <- regmatches(html, gregexpr("(href|src)=\"[^\"]*\"", html))[[1]]
  refs <- sub("^(href|src)=\"", "", sub("\"$", "", refs))
  refs <- refs[!grepl("^([a-z]+:|//|#|$)", refs)] # external, anchors, empty
  for (ref in unique(sub("[?#].*$", "", refs))) {
    if (!nzchar(ref)) next
    target <- normalizePath(file.path(dirname(page), ref), mustWork = FALSE)
    if (dir.exists(target)) target <- file.path(target, "index.html")
    checked <- checked + 1L
    if (!file.exists(target)) broken <- c(broken, sprintf("%s -> %s", sub(paste0(dest, "/"), "", page), ref))
  }
}
articles <- list.files(file.path(dest, "articles"), "\\.html$")
figures <- list.files(file.path(dest, "articles"), "\\.png$", recursive = TRUE)
cat(sprintf("%d pages, %d articles, %d article figures, %d internal links checked, %d broken\n",
            length(pages), length(articles), length(figures), checked, length(broken)))
if (length(broken)) {
  cat(broken, sep = "\n")
  quit(status = 1)
}
