# Install every R package that building and checking ckm needs, if missing.
# Usage: Rscript tools/install-deps.R [--no-apt] [--lib DIR]
#
# `R CMD check --as-cran` needs every package in Depends, Imports, LinkingTo
# and Suggests installed: for a Suggests that is missing it looks the
# package up in the repository's package database (`_R_CHECK_ORPHANED_`,
# which --as-cran sets unconditionally), and a mirror that does not serve
# that database stops the check at "checking package dependencies". So
# everything is installed here, in this order:
#   1. Debian's prebuilt r-cran-* packages, where apt-get is usable and we
#      are root (fast, no compiler needed; apt waits for its lock when
#      another apt-get is running);
#   2. CRAN, from the repositories R is set up with (or the cloud mirror),
#      for whatever is still missing;
#   3. for a C++ package whose current release needs C++17 (aricode), a
#      second CRAN try that asks for it (R 4.2's default is C++14).
# Packages from CRAN go into a library of the project's own (.rlib in the
# clone, or --lib DIR), which the Makefile puts first on the library path
# for the check: nothing in the system or site library is upgraded or
# replaced (Debian's packages, where root, add what Debian has). It stops
# with the names of the packages it could not install.
`%||%` <- function(a, b) if (is.null(a)) b else a
args <- commandArgs(trailingOnly = TRUE)
use_apt <- !"--no-apt" %in% args
lib <- if ("--lib" %in% args) args[[match("--lib", args) + 1L]] else file.path(getwd(), ".rlib")
if (!dir.exists(lib)) dir.create(lib, recursive = TRUE)
lib <- normalizePath(lib)
.libPaths(c(lib, .libPaths()))

fields <- read.dcf("DESCRIPTION", fields = c("Depends", "Imports", "LinkingTo", "Suggests"))
parse_pkgs <- function(x) {
  if (is.na(x)) return(character())
  x <- trimws(strsplit(gsub("\\s+", " ", x), ",")[[1]])
  x <- sub("\\s*\\(.*\\)$", "", x)
  setdiff(x[nzchar(x)], "R")
}
base <- rownames(installed.packages(priority = "base"))
why <- list()
for (f in c("Depends", "Imports", "LinkingTo", "Suggests"))
  for (p in setdiff(parse_pkgs(fields[1L, f]), base)) why[[p]] <- why[[p]] %||% paste("ckm's", f)
# the roxygen2 toolchain (roxygen2, and pkgbuild to load the code) is not a
# dependency of the package but `make document` needs it; knitr and
# markdown come in through Suggests.
for (p in c("roxygen2", "pkgbuild")) why[[p]] <- why[[p]] %||% "make document"
wanted <- names(why)
reason <- function(p) why[[p]] %||% "a dependency of the above"

missing_now <- function() setdiff(wanted, rownames(installed.packages(lib.loc = .libPaths())))

# 0. qpdf: without it `R CMD check --as-cran` warns ("'qpdf' is needed for
# checks on size reduction of PDFs")
am_root <- use_apt && nzchar(Sys.which("apt-get")) &&
  identical(unname(Sys.info()[["effective_user"]]), "root")
apt_updated <- FALSE
# wait for apt's lock (another apt-get running) instead of failing
apt_wait <- c("-o", "DPkg::Lock::Timeout=600")
apt_update <- function() {
  if (!apt_updated) system2("apt-get", c(apt_wait, "update", "-qq"), stdout = FALSE, stderr = FALSE)
  apt_updated <<- TRUE
}
Sys.setenv(DEBIAN_FRONTEND = "noninteractive")
if (!nzchar(Sys.which(Sys.getenv("R_QPDF", "qpdf")))) {
  if (am_root) {
    apt_update()
    message("installing qpdf from Debian: R CMD check --as-cran uses it on PDFs")
    system2("apt-get", c(apt_wait, "install", "-y", "-qq", "--no-install-recommends", "qpdf"),
            stdout = FALSE, stderr = FALSE)
  }
  if (!nzchar(Sys.which("qpdf"))) {
    message("qpdf is not installed (and could not be): R CMD check --as-cran will warn; ",
        "install it with your system's package manager")
  }
}

# 1. Debian binaries
apt_ok <- am_root &&
  # Debian's packages install into the site library: only useful when R
  # looks there
  any(normalizePath(.libPaths(), mustWork = FALSE) %in%
        normalizePath(c("/usr/lib/R/site-library", "/usr/lib/R/library"),
                      mustWork = FALSE)[1L])
repos <- getOption("repos")
if (is.null(repos) || any(repos == "@CRAN@")) repos <- c(CRAN = "https://cloud.r-project.org")
miss <- missing_now()
if (length(miss) && apt_ok) {
  # with their own dependencies, so that a package Debian lacks (aricode,
  # ClusterR) finds what it builds on (Rcpp, RcppArmadillo, gmp and its
  # system library) already there
  db <- tryCatch(utils::available.packages(repos = repos), error = function(e) NULL)
  if (!is.null(db)) {
    deps <- tools::package_dependencies(miss, db = db, recursive = TRUE,
                                        which = c("Depends", "Imports", "LinkingTo"))
    miss <- setdiff(unique(c(miss, unlist(deps))),
                    rownames(installed.packages(lib.loc = .libPaths())))
    miss <- setdiff(miss, base)
  }
  debs <- paste0("r-cran-", tolower(miss))
  apt_update()
  # only the names Debian knows, so one unknown name does not sink the rest
  known <- debs[vapply(debs, function(p) {
    out <- suppressWarnings(system2("apt-cache", c("show", "--no-all-versions", p),
                                    stdout = TRUE, stderr = FALSE))
    length(out) > 0L && is.null(attr(out, "status"))
  }, logical(1))]
  if (length(known)) {
    for (p in known)
      message(sprintf("installing %s from Debian (%s): %s", sub("^r-cran-", "", p), p,
                  reason(miss[match(p, debs)])))
    system2("apt-get", c(apt_wait, "install", "-y", "-qq", "--no-install-recommends", known),
            stdout = FALSE, stderr = FALSE)
  }
}

# 2. and 3. CRAN, in a child R whose output goes to a log: a package that
# fails the first time is tried again with C++17, and its compiler errors
# would only alarm; the log is shown for what still fails at the end
install_log <- file.path(lib, "00install.log")
cran_install <- function(pkgs, makevars = NULL) {
  script <- tempfile(fileext = ".R")
  writeLines(c(sprintf(".libPaths(%s)", paste(deparse(.libPaths()), collapse = "")),
               sprintf("install.packages(%s, lib = %s, repos = %s, Ncpus = 2L)",
                       paste(deparse(pkgs), collapse = ""), deparse(lib),
                       paste(deparse(repos), collapse = ""))), script)
  env <- if (is.null(makevars)) character() else paste0("R_MAKEVARS_USER=", makevars)
  cat(sprintf("\n==== install.packages(%s)\n", paste(pkgs, collapse = ", ")),
      file = install_log, append = TRUE)
  system2(file.path(R.home("bin"), "Rscript"), c("--vanilla", shQuote(script)),
          stdout = install_log, stderr = install_log, env = env)
  # system2() truncates: keep the earlier attempts by appending ourselves
  invisible()
}
miss <- missing_now()
if (length(miss)) {
  for (p in miss)
    message(sprintf("installing %s from CRAN into %s: %s", p, lib, reason(p)))
  log_all <- character()
  cran_install(miss)
  log_all <- c(log_all, readLines(install_log, warn = FALSE))
  miss <- missing_now()
  if (length(miss)) {
    # C++17 for packages whose current release needs it on R 4.2
    mk <- tempfile(fileext = ".mk")
    cxx <- sub("-std=[^ ]*", "", system2(file.path(R.home("bin"), "R"),
                                         c("CMD", "config", "CXX"), stdout = TRUE))
    writeLines(c(paste("CXX =", cxx, "-std=gnu++17"),
                 paste("CXX14 =", cxx, "-std=gnu++17")), mk)
    message("again with C++17 (R 4.2 builds C++14 by default): ", paste(miss, collapse = ", "))
    cran_install(miss, mk)
    log_all <- c(log_all, readLines(install_log, warn = FALSE))
  }
  writeLines(log_all, install_log)
}

miss <- missing_now()
# Rmpi needs an MPI library (Debian: openmpi-bin libopenmpi-dev, or the
# prebuilt r-cran-rmpi): without it ckm builds and checks all the same, and
# the tests that run mpirun are skipped
optional <- "Rmpi"
if (any(miss %in% optional)) {
  message("not installed (optional; its tests are skipped): ",
      paste(intersect(miss, optional), collapse = ", "))
  miss <- setdiff(miss, optional)
}
if (length(miss)) {
  if (file.exists(install_log)) {
    message("the end of the installation log (", install_log, "):")
    message(paste(utils::tail(readLines(install_log, warn = FALSE), 40), collapse = "\n"))
  }
  stop("could not install: ", paste(miss, collapse = ", "), call. = FALSE)
}
message("all ", length(wanted), " R packages that the check needs are installed")
