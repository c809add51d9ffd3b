# Install the R packages ckm needs to build, check and test, if missing.
# Usage: Rscript tools/install-deps.R [--all]
#   default: Imports, the test and vignette toolchain and the test references
#   --all:   every package in Suggests too (some, such as factoextra, pull in
#            a large dependency tree when built from source)
# Packages come from the repositories the R installation is set up with.
args <- commandArgs(trailingOnly = TRUE)
all <- "--all" %in% args

fields <- read.dcf("DESCRIPTION", fields = c("Imports", "Suggests", "LinkingTo"))
parse_pkgs <- function(x) {
  if (is.na(x)) return(character())
  x <- trimws(strsplit(gsub("\\s+", " ", x), ",")[[1]])
  x <- sub("\\s*\\(.*\\)$", "", x)
  x[nzchar(x)]
}
base <- rownames(installed.packages(priority = "base"))
imports <- setdiff(c(parse_pkgs(fields[, "Imports"]), parse_pkgs(fields[, "LinkingTo"])), base)
suggests <- parse_pkgs(fields[, "Suggests"])
core <- c("testthat", "withr", "knitr", "markdown", "mclust", "cluster", "roxygen2")
wanted <- unique(c(imports, intersect(suggests, core), if (all) suggests))

have <- rownames(installed.packages())
missing <- setdiff(wanted, have)
if (length(missing)) {
  message("installing: ", paste(missing, collapse = ", "))
  if (is.null(getOption("repos")) || identical(unname(getOption("repos")["CRAN"]), "@CRAN@")) {
    stop("no CRAN repository is set; set options(repos = ...) first")
  }
  install.packages(missing, Ncpus = 2L, quiet = TRUE)
  still <- setdiff(missing, rownames(installed.packages()))
  if (length(still)) stop("could not install: ", paste(still, collapse = ", "))
} else {
  message("all needed R packages are installed")
}

# Optional: a test reference (aricode) and a benchmark peer (ClusterR); the
# tests and the benchmark vignette skip them when missing, so a failure here
# is reported but not fatal. aricode's current release needs C++17, which
# R 4.2's default C++ flags do not ask for; a second try asks for it.
optional <- setdiff(c("aricode", "ClusterR"), rownames(installed.packages()))
for (pkg in optional) {
  try(install.packages(pkg, quiet = TRUE))
  if (!pkg %in% rownames(installed.packages())) {
    mk <- tempfile(fileext = ".mk")
    cxx <- sub("-std=[^ ]*", "", system2(file.path(R.home("bin"), "R"), c("CMD", "config", "CXX"),
                                         stdout = TRUE))
    writeLines(c(paste("CXX =", cxx, "-std=gnu++17"), paste("CXX14 =", cxx, "-std=gnu++17")), mk)
    old <- Sys.getenv("R_MAKEVARS_USER", NA)
    Sys.setenv(R_MAKEVARS_USER = mk)
    try(install.packages(pkg, quiet = TRUE))
    if (is.na(old)) Sys.unsetenv("R_MAKEVARS_USER") else Sys.setenv(R_MAKEVARS_USER = old)
  }
  if (!pkg %in% rownames(installed.packages())) {
    message("optional package ", pkg, " could not be installed; what uses it will skip it")
  }
}
