test_that("quantisation replaces each pixel by its nearest palette colour", {
  skip_if_not_installed("jpeg")
  img <- jpeg::readJPEG(system.file("img", "Rlogo.jpg", package = "jpeg"))
  set.seed(121)
  q <- ckm_quantize(img, 5, tol = 0) # tol = 0: the palette is the means
  expect_identical(dim(q$image), dim(img))
  px <- matrix(img, ncol = 3)
  qx <- matrix(q$image, ncol = 3)
  # every pixel is a palette colour, and the nearest one (plain R)
  D <- sapply(1:5, function(j) colSums((t(px) - q$palette[j, ])^2))
  expect_identical(as.vector(q$cluster), max.col(-D, ties.method = "first"))
  expect_equal(qx, q$palette[as.vector(q$cluster), ], ignore_attr = TRUE)
  # the palette is the mean colour of its pixels; the inertia is the
  # squared error of the quantised image
  means <- rowsum(px, as.vector(q$cluster)) / tabulate(q$cluster, 5)
  expect_equal(unname(q$palette), unname(means), tolerance = 1e-12)
  expect_equal(q$inertia, sum((px - qx)^2), tolerance = 1e-12)
  expect_equal(q$inertia, q$fit$tot.withinss, tolerance = 1e-12)
  expect_length(q$hex, 5)
  # more colours, less error
  set.seed(122)
  expect_lt(ckm_quantize(img, 16, tol = 0)$inertia, q$inertia)
})

test_that("an image with few colours is reproduced exactly; alpha is kept", {
  cols <- rbind(c(1, 0, 0), c(0, 0.5, 1), c(0.2, 0.2, 0.2))
  set.seed(123)
  idx <- matrix(sample.int(3, 12 * 9, replace = TRUE), 12, 9)
  img <- array(0, c(12, 9, 4))
  for (ch in 1:3) img[, , ch] <- cols[idx, ch]
  img[, , 4] <- runif(12 * 9)
  q <- ckm_quantize(img, 3)
  # (the mean of m equal numbers can differ from them in the last bit)
  expect_equal(q$image, img, tolerance = 1e-15)
  expect_identical(q$image[, , 4], img[, , 4])
  expect_lt(q$inertia, 1e-28)
  expect_equal(q$palette[q$cluster[1], ], cols[idx[1], ], ignore_attr = TRUE, tolerance = 1e-15)
  # palette from a sample, then every pixel assigned
  set.seed(124)
  q2 <- ckm_quantize(img, 3, sample = 50)
  expect_equal(q2$image, img, tolerance = 1e-15)
})

test_that("quantisation input is checked", {
  expect_snapshot(error = TRUE, {
    ckm_quantize(matrix(0.5, 3, 3), 2)
    ckm_quantize(array(2, c(2, 2, 3)), 2)
    ckm_quantize(array(0.5, c(2, 2, 2)), 2)
  })
})
