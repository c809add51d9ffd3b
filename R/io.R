# io.R: each process of a fit over processes reads only its own rows.

#' Each process's share of the rows, and reading just those rows
#'
#' `ckm_split_rows()` cuts rows 1..n into `comm$size` consecutive blocks of
#' near-equal size and returns this process's block as `c(first, last)`
#' (1-based, inclusive; `last < first` for an empty block). `ckm_read_rows()`
#' reads rows `first..last` of a CSV file or of a raw binary matrix file
#' without reading the others into memory (a CSV file is scanned up to the
#' first row wanted; a binary file is read from an offset), so under MPI no
#' process ever holds more than its own rows. `ckm_write_binary()` writes
#' the binary format: the values of each row in turn (row-major), as 8-byte
#' doubles in the machine's byte order, no header.
#'
#' @param n Total number of rows.
#' @param comm A communicator ([ckm_comm_rmpi()], [ckm_comm_serial()]).
#' @param file Path to the file.
#' @param rows `c(first, last)`: the rows to read (1-based, inclusive; data
#'   rows, not counting a CSV header).
#' @param format `"csv"` or `"binary"`; by default from the file name's
#'   extension (`.csv` or else binary).
#' @param ncol Number of columns of a binary file (required there).
#' @param header Does the CSV file start with a line of column names?
#' @param sep The CSV field separator.
#' @param X A numeric matrix to write.
#' @return `ckm_split_rows()`: `c(first, last)`. `ckm_read_rows()`: a numeric
#'   matrix of `last - first + 1` rows (with the CSV header's column names).
#'   `ckm_write_binary()`: `file`, invisibly.
#' @seealso [ckm_fit_mpi()].
#' @examples
#' X <- as.matrix(iris[, 1:4])
#' f <- tempfile(fileext = ".bin")
#' ckm_write_binary(X, f)
#' identical(ckm_read_rows(f, c(51, 100), ncol = 4), unname(X[51:100, ]))
#' g <- tempfile(fileext = ".csv")
#' write.csv(iris[, 1:4], g, row.names = FALSE)
#' all.equal(ckm_read_rows(g, c(51, 100)), X[51:100, ], check.attributes = FALSE)
#' ckm_split_rows(150, ckm_comm_serial())
#' unlink(c(f, g))
#' @export
ckm_split_rows <- function(n, comm = ckm_comm_rmpi()) {
  call <- sys.call()
  if (!is.numeric(n) || length(n) != 1L || is.na(n) || n < 0 || n != floor(n) || n > 2^52) {
    abort(sprintf("`n` must be a whole number of rows, not %s.", describe(n)), call)
  }
  comm <- check_comm(comm, call)
  cut <- function(i) split_cut(n, i, comm$size)
  c(cut(comm$rank) + 1, cut(comm$rank + 1))
}

# floor(n i / p), exactly for any n up to 2^52 (n i itself may pass 2^53,
# where doubles skip integers): with n = q p + r, it is q i + floor(r i / p),
# and q i <= n, r i < p^2 are exact.
split_cut <- function(n, i, p) {
  r <- n %% p
  q <- (n - r) / p
  q * i + floor(r * i / p)
}

#' @rdname ckm_split_rows
#' @export
ckm_read_rows <- function(file, rows, format = NULL, ncol = NULL, header = TRUE,
                          sep = ",") {
  call <- sys.call()
  if (!is.character(file) || length(file) != 1L || is.na(file) || !file.exists(file)) {
    abort(sprintf("`file` must be the path of an existing file, not %s.", describe(file)), call)
  }
  if (!is.numeric(rows) || length(rows) != 2L || anyNA(rows) || any(rows != floor(rows)) ||
      rows[[1L]] < 1 || rows[[2L]] < rows[[1L]] - 1) {
    abort(sprintf("`rows` must be c(first, last) with 1 <= first <= last + 1, not %s.",
                  describe(rows)), call)
  }
  if (is.null(format)) format <- if (grepl("\\.csv$", file, ignore.case = TRUE)) "csv" else "binary"
  format <- check_choice(format, c("csv", "binary"), "format", call)
  first <- rows[[1L]]
  m <- rows[[2L]] - first + 1
  if (format == "binary") {
    if (!is_whole(ncol) || ncol < 1) {
      abort(sprintf("`ncol` must be the number of columns of the binary file, not %s.",
                    describe(ncol)), call)
    }
    total <- file.size(file) / (8 * ncol)
    if (total != floor(total)) {
      abort(sprintf("`file` holds %s bytes, not a whole number of rows of %d doubles.",
                    format(file.size(file)), as.integer(ncol)), call)
    }
    if (rows[[2L]] > total) {
      abort(sprintf("`rows` goes past the end of `file` (%s rows).", format(total)), call)
    }
    con <- file(file, "rb")
    on.exit(close(con))
    seek(con, (first - 1) * 8 * ncol)
    v <- readBin(con, "double", n = m * ncol)
    return(matrix(v, nrow = m, ncol = ncol, byrow = TRUE))
  }
  flag <- check_flag(header, "header", call)
  if (!is.character(sep) || length(sep) != 1L || is.na(sep) || nchar(sep) != 1L) {
    abort(sprintf("`sep` must be a single character, not %s.", describe(sep)), call)
  }
  # the first line's fields, quotes and all (a quoted name may hold `sep`)
  line1 <- scan(file, what = "", sep = sep, nlines = 1L, quiet = TRUE, quote = "\"",
                na.strings = character(), blank.lines.skip = FALSE)
  if (length(line1) == 0L) {
    abort("`file` is empty: it has no header and no rows.", call)
  }
  names <- if (flag) line1
  if (m == 0) {
    return(matrix(numeric(), 0L, length(line1), dimnames = if (flag) list(NULL, names)))
  }
  args <- list(file, sep = sep, header = FALSE, skip = flag + first - 1, nrows = m,
               colClasses = "numeric", comment.char = "", quote = "\"", check.names = FALSE)
  if (flag) args$col.names <- names
  df <- tryCatch(do.call(utils::read.table, args), error = function(e) {
    if (grepl("no lines available", conditionMessage(e))) return(data.frame())
    abort(sprintf("`file` could not be read as %s CSV rows: %s", if (flag) "headed" else "header-less",
                  conditionMessage(e)), call)
  })
  if (nrow(df) < m) {
    abort(sprintf("`rows` goes past the end of `file` (it has %s data rows).",
                  format(first - 1 + nrow(df))), call)
  }
  X <- as.matrix(df)
  dimnames(X) <- if (flag) list(NULL, names)
  X
}

#' @rdname ckm_split_rows
#' @export
ckm_write_binary <- function(X, file) {
  call <- sys.call()
  X <- as_data_matrix(X, "X", call)
  con <- file(file, "wb")
  on.exit(close(con))
  chunk <- max(1L, 2^20 %/% ncol(X))
  for (i in seq(1L, nrow(X), by = chunk)) {
    j <- min(nrow(X), i + chunk - 1L)
    writeBin(as.vector(t(X[i:j, , drop = FALSE])), con)
  }
  invisible(file)
}
