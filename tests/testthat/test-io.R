# ckm_read_rows() and ckm_split_rows(): the cases that once failed
# (adversarial round three), each against the data it was written from.

test_that("a header-less CSV is read, with no column names", {
  X <- as.matrix(iris[1:40, 1:4])
  f <- withr::local_tempfile(fileext = ".csv")
  utils::write.table(X, f, sep = ",", row.names = FALSE, col.names = FALSE)
  got <- ckm_read_rows(f, c(3, 7), header = FALSE)
  expect_identical(got, unname(X[3:7, ]))
  expect_identical(dim(ckm_read_rows(f, c(5, 4), header = FALSE)), c(0L, 4L))
  # with a header the names come back
  g <- withr::local_tempfile(fileext = ".csv")
  utils::write.csv(iris[1:40, 1:4], g, row.names = FALSE)
  expect_identical(ckm_read_rows(g, c(3, 7)), X[3:7, ] |> unname() |>
                     `colnames<-`(names(iris)[1:4]))
})

test_that("an empty file is a clear error", {
  f <- withr::local_tempfile(fileext = ".csv")
  file.create(f)
  expect_error(ckm_read_rows(f, c(1, 2)), "`file` is empty")
  expect_error(ckm_read_rows(f, c(1, 2), header = FALSE), "`file` is empty")
})

test_that("a quoted header name may hold the separator", {
  f <- withr::local_tempfile(fileext = ".csv")
  writeLines(c('"a,b",c,"d"', "1,2,3", "4,5,6", "7,8,9"), f)
  got <- ckm_read_rows(f, c(2, 3))
  expect_identical(got, matrix(c(4, 7, 5, 8, 6, 9), 2, dimnames = list(NULL, c("a,b", "c", "d"))))
  expect_error(ckm_read_rows(f, c(2, 9)), "past the end")
})

test_that("ckm_split_rows() gives every row to exactly one process, exactly, up to 2^52", {
  comm <- ckm_comm_serial()
  for (size in c(1L, 2L, 3L, 7L)) {
    for (n in c(0, 1, 5, 10, 1000, 2^31 + 3, 2^52 - 1, 2^52)) {
      parts <- lapply(seq_len(size) - 1L, function(r) {
        comm$rank <- r
        comm$size <- size
        ckm_split_rows(n, comm)
      })
      first <- vapply(parts, `[[`, double(1), 1L)
      last <- vapply(parts, `[[`, double(1), 2L)
      expect_identical(first[[1L]], 1)
      expect_identical(last[[size]], n)
      expect_identical(first[-1L], last[-size] + 1)
      # near-equal blocks: sizes differ by at most one
      expect_lte(max(last - first) - min(last - first), 1)
    }
  }
  # the documented split, floor(n i / p), where n i is exact
  comm$size <- 3L
  comm$rank <- 1L
  expect_identical(ckm_split_rows(10, comm), c(4, 6))
})
