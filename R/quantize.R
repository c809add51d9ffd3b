# Colour quantisation: k-means on the pixels of an image, each pixel
# replaced by its cluster's centre (the palette).

#' Colour quantisation of an image
#'
#' Clusters the colours of an image with k-means and replaces every pixel
#' by the centre of its cluster, giving an image with at most `k` colours
#' and its palette. The image is a height x width x channels array with
#' values in \[0, 1\], as `png::readPNG()` and `jpeg::readJPEG()` return
#' it; with 4 channels the fourth (alpha) is kept as it is and only the
#' colours are clustered.
#'
#' With `sample` set, the centres are fitted on that many pixels drawn at
#' random and every pixel then goes to its nearest centre (as scikit-learn's
#' colour quantisation example does): much faster on large images, at a
#' slightly higher inertia.
#'
#' @param image A numeric array, height x width x 3 (RGB) or x 4 (RGBA),
#'   values in \[0, 1\].
#' @param k Number of colours.
#' @param sample Number of pixels to fit the palette on, or `NULL` for all.
#' @param ... Passed to [ckm_fit()] (for example `n_init`, `threads`).
#' @return A list: `image` (the quantised array, same dimensions), `palette`
#'   (a k x 3 matrix of colours, and `hex`, the same as colour strings),
#'   `cluster` (a height x width matrix of palette indices), `inertia` (the
#'   sum of squared colour differences between the image and its quantised
#'   version, over all pixels) and `fit` (the [ckm_fit()] result).
#' @export
#' @examples
#' img <- jpeg::readJPEG(system.file("img", "Rlogo.jpg", package = "jpeg"))
#' set.seed(1)
#' q <- ckm_quantize(img, 4, threads = 1)
#' q$hex
#' q$inertia
#' op <- par(mfrow = c(1, 2), mar = c(0, 0, 2, 0))
#' plot(as.raster(img)); title("original")
#' plot(as.raster(q$image)); title("4 colours")
#' par(op)
ckm_quantize <- function(image, k, sample = NULL, ...) {
  ecall <- sys.call()
  dims <- dim(image)
  if (!is.numeric(image) || length(dims) != 3L || !(dims[3] %in% c(3L, 4L))) {
    abort(sprintf("`image` must be a height x width x 3 (or 4) numeric array, not %s.",
                  if (is.null(dims)) describe(image) else
                    sprintf("an array of dimensions %s", paste(dims, collapse = " x "))), ecall)
  }
  if (anyNA(image) || any(image < 0 | image > 1)) {
    abort("`image` values must lie in [0, 1] (missing values are not allowed).", ecall)
  }
  npix <- dims[1] * dims[2]
  rgb <- matrix(as.double(image[, , 1:3]), npix, 3L, dimnames = list(NULL, c("red", "green", "blue")))
  if (!is.null(sample)) sample <- check_count(sample, "sample", call = ecall)
  if (is.null(sample) || sample >= npix) {
    fit <- ckm_fit(rgb, k, ...)
    cl <- fit$cluster
  } else {
    fit <- ckm_fit(rgb[sort(sample.int(npix, sample)), , drop = FALSE], k, ...)
    cl <- predict(fit, rgb, threads = list(...)$threads)
  }
  # the palette in the image's units (a fit with scale = TRUE keeps its
  # centres in the scaled ones)
  palette <- unapply_scaling(fit$centers, fit$scaling)
  quant <- palette[cl, , drop = FALSE]
  out <- image
  out[, , 1:3] <- quant
  list(image = out, palette = palette,
       hex = grDevices::rgb(pmin(pmax(palette, 0), 1)),
       cluster = matrix(as.integer(cl), dims[1], dims[2]),
       inertia = sum((rgb - quant)^2), fit = fit)
}
