-- Mistakes fixed on the page (issue 16 §3): the administrator may leave out the rows with problems and upload
-- the others. The upload record says how many rows of their file were left out (0: none), as the page reported.
ALTER TABLE uploads ADD COLUMN left_out INTEGER NOT NULL DEFAULT 0;
