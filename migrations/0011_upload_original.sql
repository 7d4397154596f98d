-- The administrator's own file (issue 16 §3): when the page uploads the CSV it made from their workbook, or the
-- rows they corrected on the page, the record keeps the name and SHA-256 of the file they chose (as the page
-- reported them) beside those of what was uploaded (file_name, sha256, computed by the Worker). NULL: what was
-- uploaded is the file itself.
ALTER TABLE uploads ADD COLUMN original_file_name TEXT;
ALTER TABLE uploads ADD COLUMN original_sha256 TEXT;
-- And the row number each uploaded row had in that file ("4-6,8": ranges, in order), so that the upload's result
-- names the administrator's rows; NULL: the same as the uploaded file's.
ALTER TABLE uploads ADD COLUMN file_rows TEXT;
