"""Quality management's paper documents, one module per part (laid out for ``aftersales.exports.pdf.render_pdf``)."""
